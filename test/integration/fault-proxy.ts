/**
 * A pass-through HTTP proxy in front of the emulator that can answer chosen AWS API calls with a
 * canned failure: faults injected at the network edge of an adapter, not in production code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Rule {
  target: string;
  remaining: number;
  status: number;
  body: unknown;
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

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const target = String(req.headers['x-amz-target'] ?? '');
      this.calls.set(target, (this.calls.get(target) ?? 0) + 1);
      const rule = this.rules.find((r) => r.target === target && r.remaining > 0);
      if (rule) {
        rule.remaining -= 1;
        res.writeHead(rule.status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(rule.body));
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined && k !== 'host') headers[k] = String(v);
      const up = await fetch(`${this.upstream}${req.url}`, {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      const out = Buffer.from(await up.arrayBuffer());
      res.writeHead(up.status, Object.fromEntries(up.headers));
      res.end(out);
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
