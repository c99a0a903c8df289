/**
 * A pass-through HTTP proxy in front of the emulator that can answer chosen AWS API calls with a
 * canned failure: faults injected at the network edge of an adapter, not in production code.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Rule {
  target: string;
  remaining: number;
  status: number;
  body: unknown;
  /** Forward the call after this many milliseconds instead of answering it (a slow service). */
  delayMs?: number;
}

export class FaultProxy {
  private server?: Server;
  private readonly rules: Rule[] = [];
  /** Calls seen per `X-Amz-Target`. */
  readonly calls = new Map<string, number>();
  url = '';

  constructor(private readonly upstream: string) {}

  /** The next `times` calls to `target` (e.g. AWSEvents.PutEvents) get `body` with `status`. */
  failNext(target: string, times: number, body: unknown, status = 200): void {
    this.rules.push({ target, remaining: times, status, body });
  }

  /** Calls to `target` pass through again: every rule for it is dropped. */
  clear(target: string): void {
    for (const r of this.rules) if (r.target === target) r.remaining = 0;
  }

  /** The next `times` calls to `target` are forwarded only after `ms` milliseconds. */
  delayNext(target: string, times: number, ms: number): void {
    this.rules.push({ target, remaining: times, status: 0, body: null, delayMs: ms });
  }

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const target = String(req.headers['x-amz-target'] ?? '');
      this.calls.set(target, (this.calls.get(target) ?? 0) + 1);
      const rule = this.rules.find((r) => r.target === target && r.remaining > 0);
      if (rule) {
        rule.remaining -= 1;
        if (rule.delayMs !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
        } else {
          res.writeHead(rule.status, { 'content-type': 'application/x-amz-json-1.1' });
          res.end(JSON.stringify(rule.body));
          return;
        }
      }
      // Forwarded with the caller's Host header, so the emulator builds URLs (SQS queue URLs) that
      // point back at this proxy and later calls pass through it too.
      const upstream = new URL(this.upstream);
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      forwarded.on('error', () => {
        if (!res.headersSent) res.writeHead(502).end();
      });
      forwarded.end(Buffer.concat(chunks));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
