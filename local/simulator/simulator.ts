/**
 * iDenfy simulator: speaks iDenfy's KYC HTTP API over a real socket (docs/idenfy-api.md), plus the
 * control API of docs/architecture.md §6 for tests. Runnable alone: `npm run simulator`.
 * This file holds the server, the sessions' state and the webhook deliveries; iDenfy's request rules
 * are in api-rules.ts, the webhook bodies in webhook-payload.ts, the hosted page in hosted-page.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signBody } from '../../functions/shared/signature';
import { ApiError, parseJson, validateTokenRequest } from './api-rules';
import { fromHostedForm, hostedPage } from './hosted-page';
import { buildWebhook, type CompleteRequest, type WebhookPayload } from './webhook-payload';

export interface SimulatorOptions {
  host?: string;
  port?: number;
  apiKey?: string;
  apiSecret?: string;
  /** Key for `Idenfy-Signature`. */
  signingKey?: string;
  /** Pause between webhook delivery attempts (iDenfy: "up to 10 s"). */
  retryDelayMs?: number;
  /** How long to wait for the receiver before counting an attempt as failed. */
  deliveryTimeoutMs?: number;
  maxDeliveryAttempts?: number;
}

export interface SimSession {
  scanRef: string;
  authToken: string;
  clientId: string;
  tokenType: string;
  externalRef: string | null;
  callbackUrl: string | null;
  successUrl: string;
  errorUrl: string;
  unverifiedUrl: string;
  createdAt: string;
  /** ACTIVE until completed; then the overall status of its final result (or DELETED). */
  state: string;
  /** When the person opened the hosted flow. */
  startedAt?: string;
  request: Record<string, unknown>;
  /** The second document's session: a DOCUMENT token, or a later token of the same externalRef that
   *  ends elsewhere (an IDENTIFICATION token when the second document's face is checked too; a retried
   *  identity token ends at the same URL). Decides the default data. */
  secondDocument: boolean;
  webhooks: WebhookPayload[];
  webhookEventTypes: string[];
}

export interface Delivery {
  status: number | null;
  attempts: number;
}

interface Fault {
  path: string;
  status: number;
  identifier: string;
  remaining: number;
  /** Take the request but never answer, without acting on it. */
  hang?: boolean;
  /** Act on the request (create the token) but never answer: the response is lost. */
  dropResponse?: boolean;
  /** Act on the request normally, but only after this many milliseconds (a slow iDenfy). */
  delayMs?: number;
}

const DEFAULT_URLS = {
  successUrl: 'https://ui.idenfy.com/result?status=success',
  errorUrl: 'https://ui.idenfy.com/result?status=fail',
  unverifiedUrl: 'https://ui.idenfy.com/result?status=unverified',
};
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export class IdenfySimulator {
  readonly sessions = new Map<string, SimSession>();
  /** Calls to iDenfy's API by path (tests count /api/v2/status: iDenfy forbids routine polling). */
  readonly calls: Record<string, number> = {};
  /** /api/v2/status calls per scanRef. */
  readonly statusCalls = new Map<string, number>();
  private readonly faults: Fault[] = [];
  private server?: Server;
  private baseUrl = '';
  private readonly opts: Required<SimulatorOptions>;

  constructor(opts: SimulatorOptions = {}) {
    this.opts = {
      host: '127.0.0.1',
      port: 0,
      apiKey: 'local-key',
      apiSecret: 'local-secret',
      signingKey: 'local-signing-key',
      retryDelayMs: 1000,
      deliveryTimeoutMs: 10_000,
      maxDeliveryAttempts: 10,
      ...opts,
    };
  }

  get url(): string {
    return this.baseUrl;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 500, { identifier: 'INTERNAL_ERROR', message: String(err) });
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(this.opts.port, this.opts.host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.baseUrl = `http://${this.opts.host}:${port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Test control: the next `times` calls to `path` fail with `status` (or never answer with `hang`). */
  injectFault(fault: Omit<Fault, 'remaining'> & { times?: number }): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  reset(): void {
    this.sessions.clear();
    for (const k of Object.keys(this.calls)) delete this.calls[k];
    this.statusCalls.clear();
    this.faults.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const body = await readBody(req);
    if (url.pathname.startsWith('/api/')) this.calls[url.pathname] = (this.calls[url.pathname] ?? 0) + 1;
    const fault = this.faults.find((f) => f.path === url.pathname && f.remaining > 0);
    if (fault) {
      fault.remaining -= 1;
      if (fault.hang) return; // the request was taken; the answer never comes
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      else if (!fault.dropResponse)
        return send(res, fault.status, { identifier: fault.identifier, message: 'Injected fault' });
    }
    try {
      if (req.method === 'POST' && url.pathname === '/api/v2/token') {
        this.authenticate(req);
        const created = this.createToken(parseJson(body));
        if (fault?.dropResponse) return; // created, but the caller never hears of it
        return send(res, 201, created);
      }
      if (req.method === 'POST' && url.pathname === '/api/v2/status') {
        this.authenticate(req);
        return send(res, 200, this.status(parseJson(body)));
      }
      if (req.method === 'POST' && url.pathname === '/api/v2/delete') {
        this.authenticate(req);
        this.delete(parseJson(body));
        res.writeHead(200).end();
        return;
      }
      if (url.pathname === '/api/v2/redirect') {
        const session = this.byAuthToken(url.searchParams.get('authToken'));
        if (req.method === 'GET') {
          if (session && !session.startedAt) {
            session.startedAt = new Date().toISOString();
            this.scheduleExpiry(session, Number(session.request.sessionLength ?? 600));
          }
          return sendHtml(res, session?.state === 'ACTIVE' ? 200 : 410, hostedPage(session));
        }
        if (req.method === 'POST' && session?.state === 'ACTIVE') {
          const request = fromHostedForm(body);
          // Leaving without finishing: no result yet (the token's expiry will send one).
          const redirectTo = request
            ? (await this.complete(session.scanRef, request)).redirectTo
            : session.unverifiedUrl;
          res.writeHead(303, { location: redirectTo }).end();
          return;
        }
        return sendHtml(res, 410, hostedPage(undefined));
      }
      if (req.method === 'GET' && url.pathname === '/simulator/sessions') {
        const clientId = url.searchParams.get('clientId');
        const list = [...this.sessions.values()]
          .filter((s) => !clientId || s.clientId === clientId)
          // `documents`: the token's allowed document types, so tests can see what was asked for.
          .map(
            ({
              request,
              webhooks: _w,
              webhookEventTypes: _e,
              startedAt: _s,
              secondDocument: _d,
              ...summary
            }) => ({
              ...summary,
              documents: Array.isArray(request.documents) ? request.documents : null,
            }),
          );
        return send(res, 200, list);
      }
      const redeliver = /^\/simulator\/sessions\/([^/]+)\/deliver$/.exec(url.pathname);
      if (req.method === 'POST' && redeliver) {
        return send(res, 200, await this.redeliver(decodeURIComponent(redeliver[1] ?? '')));
      }
      const complete = /^\/simulator\/sessions\/([^/]+)\/complete$/.exec(url.pathname);
      if (req.method === 'POST' && complete) {
        const scanRef = decodeURIComponent(complete[1] ?? '');
        const request = (body.length > 0 ? parseJson(body) : {}) as CompleteRequest;
        return send(res, 200, await this.complete(scanRef, request));
      }
      if (url.pathname.startsWith('/api/')) throw new ApiError(404, 'NOT_FOUND', 'Not found');
      send(res, 404, { identifier: 'NOT_FOUND', message: 'Not found' });
    } catch (err) {
      if (err instanceof ApiError)
        return send(res, err.status, { identifier: err.identifier, message: err.message, ...err.extra });
      throw err;
    }
  }

  private byAuthToken(authToken: string | null): SimSession | undefined {
    if (!authToken) return undefined;
    for (const s of this.sessions.values()) if (s.authToken === authToken) return s;
    return undefined;
  }

  /** iDenfy refuses to delete a session whose token can still be used (docs/idenfy-api.md §7.2). */
  private delete(input: Record<string, unknown>): void {
    const session = this.sessions.get(String(input.scanRef ?? ''));
    if (!session) throw new ApiError(404, 'NOT_FOUND', 'Verification not found.');
    if (session.state === 'ACTIVE') {
      throw new ApiError(400, 'PARTNER_ERROR', 'Token has not expired yet.', {
        documentation: '',
        severity: 'NOT_SEVERE',
      });
    }
    session.state = session.state === 'EXPIRED' ? 'EXPIRED-DELETED' : 'DELETED';
    session.webhooks = [];
    session.webhookEventTypes = [];
  }

  /**
   * A token not started within its `expiryTime`, or a started session not finished within its
   * `sessionLength`, expires, and iDenfy says so by webhook (docs/idenfy-api.md §9.4).
   */
  private scheduleExpiry(session: SimSession, seconds = Number(session.request.expiryTime ?? 3600)): void {
    const startedAt = session.startedAt;
    const timer = setTimeout(() => {
      if (session.state === 'ACTIVE' && session.startedAt === startedAt) {
        void this.complete(session.scanRef, { overall: 'EXPIRED' });
      }
    }, seconds * 1000);
    timer.unref();
  }

  private authenticate(req: IncomingMessage): void {
    const expected = `Basic ${Buffer.from(`${this.opts.apiKey}:${this.opts.apiSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      throw new ApiError(401, 'UNAUTHORIZED', 'Authentication credentials were not provided or are invalid.');
    }
  }

  private createToken(input: Record<string, unknown>) {
    const request = validateTokenRequest(input);
    const scanRef = randomUUID();
    const authToken = Array.from(randomBytes(40), (b) => ALNUM[b % ALNUM.length]).join('');
    const echo = {
      ...request,
      message: 'Token created successfully',
      authToken,
      scanRef,
      personScanRef: request.clientId,
      redirectUrl: `${this.baseUrl}/api/v2/redirect?authToken=${authToken}`,
      digitString: null,
    };
    const session: SimSession = {
      scanRef,
      authToken,
      clientId: request.clientId as string,
      tokenType: request.tokenType as string,
      externalRef: (request.externalRef as string | null) ?? null,
      callbackUrl: (request.callbackUrl as string | null) ?? null,
      successUrl: (request.successUrl as string | null) ?? DEFAULT_URLS.successUrl,
      errorUrl: (request.errorUrl as string | null) ?? DEFAULT_URLS.errorUrl,
      unverifiedUrl: (request.unverifiedUrl as string | null) ?? DEFAULT_URLS.unverifiedUrl,
      createdAt: new Date().toISOString(),
      state: 'ACTIVE',
      request,
      secondDocument:
        request.tokenType === 'DOCUMENT' ||
        (request.externalRef != null &&
          [...this.sessions.values()].some(
            (s) => s.externalRef === request.externalRef && s.successUrl !== request.successUrl,
          )),
      webhooks: [],
      webhookEventTypes: [],
    };
    this.sessions.set(scanRef, session);
    this.scheduleExpiry(session);
    if (typeof input.dummyStatus === 'string') {
      echo.message = 'Dummy token and verification created successfully';
      // Like iDenfy's DEV mode: the result webhook fires without any UI.
      setImmediate(
        () => void this.complete(scanRef, { overall: input.dummyStatus as CompleteRequest['overall'] }),
      );
    }
    return echo;
  }

  private status(input: Record<string, unknown>) {
    const scanRef = String(input.scanRef ?? '');
    this.statusCalls.set(scanRef, (this.statusCalls.get(scanRef) ?? 0) + 1);
    const session = this.sessions.get(scanRef);
    if (!session) throw new ApiError(404, 'NOT_FOUND', 'Verification not found.');
    const last = session.webhooks.at(-1);
    return {
      scanRef: session.scanRef,
      clientId: session.clientId,
      status: session.state,
      fraudTags: last?.status.fraudTags ?? [],
      mismatchTags: last?.status.mismatchTags ?? [],
      autoDocument: last?.status.autoDocument ?? null,
      autoFace: last?.status.autoFace ?? null,
      manualDocument: last?.status.manualDocument ?? null,
      manualFace: last?.status.manualFace ?? null,
    };
  }

  /** Ends a session the way a person finishing iDenfy's flow would, and delivers the webhook(s). */
  async complete(scanRef: string, request: CompleteRequest) {
    const session = this.sessions.get(scanRef);
    if (!session) throw new ApiError(404, 'NOT_FOUND', `No session ${scanRef}`);
    const overall = request.overall ?? 'APPROVED';
    const waves: { payload: WebhookPayload; eventType: string }[] = [];
    if (request.manualReview) {
      // Automatic result first (final:false), then the reviewer's (final:true).
      waves.push({
        payload: buildWebhook(session, { ...request, overall }, false, false),
        eventType: 'IDENTIFICATION_AUTO_FINISHED',
      });
      waves.push({
        payload: buildWebhook(session, { ...request, overall }, true, true),
        eventType: 'IDENTIFICATION_MANUAL_FINISHED',
      });
    } else {
      const eventType = overall === 'EXPIRED' ? 'IDENTIFICATION_EXPIRED' : 'IDENTIFICATION_AUTO_FINISHED';
      waves.push({ payload: buildWebhook(session, { ...request, overall }, true, false), eventType });
    }
    const deliveries: Delivery[] = [];
    for (const wave of waves) {
      session.webhooks.push(wave.payload);
      session.webhookEventTypes.push(wave.eventType);
      // `deliver: false` holds the webhook back (tests reorder deliveries with /deliver).
      if (request.deliver !== false)
        deliveries.push(await this.deliver(session, wave.payload, wave.eventType));
    }
    session.state = overall;
    // iDenfy sends the user to the error page when the webhook was not answered with 2xx.
    const delivered = deliveries.every((d) => d.status !== null && d.status >= 200 && d.status < 300);
    const redirectTo = !delivered
      ? session.errorUrl
      : overall === 'APPROVED' || overall === 'SUSPECTED'
        ? session.successUrl
        : overall === 'DENIED'
          ? session.errorUrl
          : session.unverifiedUrl;
    return { redirectTo, deliveries };
  }

  /** Test control: sends a session's webhooks (again), as held back or as iDenfy's retries would. */
  async redeliver(scanRef: string): Promise<{ deliveries: Delivery[] }> {
    const session = this.sessions.get(scanRef);
    if (!session) throw new ApiError(404, 'NOT_FOUND', `No session ${scanRef}`);
    const deliveries: Delivery[] = [];
    for (const [i, payload] of session.webhooks.entries()) {
      deliveries.push(await this.deliver(session, payload, session.webhookEventTypes[i] ?? 'IDENTIFICATION'));
    }
    return { deliveries };
  }

  private async deliver(session: SimSession, payload: WebhookPayload, eventType: string): Promise<Delivery> {
    if (!session.callbackUrl) return { status: null, attempts: 0 };
    const body = JSON.stringify(payload);
    const signature = signBody(body, this.opts.signingKey);
    let status: number | null = null;
    let attempts = 0;
    while (attempts < this.opts.maxDeliveryAttempts) {
      attempts += 1;
      try {
        const res = await fetch(session.callbackUrl, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'Idenfy-Event-Type': eventType,
            'Idenfy-Signature': signature,
          },
          body,
          signal: AbortSignal.timeout(this.opts.deliveryTimeoutMs),
        });
        status = res.status;
        await res.arrayBuffer();
        if (res.ok) break;
      } catch {
        status = null;
      }
      await new Promise((r) => setTimeout(r, this.opts.retryDelayMs));
    }
    return { status, attempts };
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
