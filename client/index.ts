/**
 * A typed client of the idenfy-multidoc API (docs/client.md): every client and reviewer route, its
 * bodies typed from contracts/openapi.yaml (client/openapi.d.ts is generated from it: `npm run
 * client:types`; a test fails when they drift), SigV4 signing with the default AWS credential chain,
 * and retries on 429 and 503 (and a start's 409 "busy") that honour Retry-After.
 *
 *   const api = new MultidocClient({ baseUrl: 'https://abc123.execute-api.eu-west-1.amazonaws.com' });
 *   const { verification } = await api.start({ clientId: 'user-123' });
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { components } from './openapi';

type Schemas = components['schemas'];
export type StartRequest = Schemas['StartRequest'];
export type StartAnswer = Schemas['StartAnswer'];
export type Verification = Schemas['Verification'];
export type VerificationList = Schemas['VerificationList'];
export type ReviewRequest = Schemas['ReviewRequest'];
export type ErasureAnswer = Schemas['ErasureAnswer'];
export type Status = Schemas['Status'];
export type Reason = Schemas['Reason'];

export interface ClientOptions {
  /** The API's base URL: the stack's `ApiUrl` output, or http://127.0.0.1:3000 locally. */
  baseUrl: string;
  /**
   * `sigv4` signs every request (IAM auth, the default for an AWS URL); `none` sends them unsigned
   * (local mode, the default for 127.0.0.1 and localhost).
   */
  auth?: 'sigv4' | 'none';
  /** The API's Region; read from an execute-api URL, else AWS_REGION. */
  region?: string;
  /** Credentials; the default AWS chain (environment, profile, SSO, container, instance role). */
  credentials?: AwsCredentialIdentityProvider;
  /** Retries after a 429, a 503 or a busy 409 (default 3); each waits Retry-After, or backs off. */
  retries?: number;
  fetch?: typeof fetch;
  /** How to wait between attempts (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>;
}

/** An answer that was not a success: its status, the API's error code and message, and Retry-After. */
export class MultidocApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, when the API said. */
    readonly retryAfter?: number,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = 'MultidocApiError';
  }
}

const RETRYABLE = new Set([429, 503]);
const MAX_BACKOFF_MS = 5_000;

export class MultidocClient {
  private readonly base: URL;
  private readonly signer?: SignatureV4;
  private readonly retries: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: ClientOptions) {
    this.base = new URL(opts.baseUrl.replace(/\/+$/, ''));
    const local = ['127.0.0.1', 'localhost', '[::1]'].includes(this.base.hostname);
    const auth = opts.auth ?? (local ? 'none' : 'sigv4');
    if (auth === 'sigv4') {
      const region =
        opts.region ??
        /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(this.base.hostname)?.[1] ??
        process.env.AWS_REGION;
      if (!region) throw new Error('region: give it, or set AWS_REGION (the URL does not name one)');
      this.signer = new SignatureV4({
        service: 'execute-api',
        region,
        credentials: opts.credentials ?? defaultProvider(),
        sha256: Hash.bind(null, 'sha256'),
      });
    }
    this.retries = opts.retries ?? 3;
    this.fetch = opts.fetch ?? fetch;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Starts a verification: `created` false when the client's PENDING one came back (resumed). */
  async start(body: StartRequest): Promise<{ created: boolean; verification: StartAnswer }> {
    const { status, body: answer } = await this.call<StartAnswer>('POST', '/verifications', { body });
    return { created: status === 201, verification: answer };
  }

  async get(verificationId: string): Promise<Verification> {
    return (await this.call<Verification>('GET', `/verifications/${encodeURIComponent(verificationId)}`))
      .body;
  }

  /** One page of a client's verifications, newest first. */
  async list(q: { clientId: string; limit?: number; cursor?: string }): Promise<VerificationList> {
    return (await this.call<VerificationList>('GET', '/verifications', { query: q })).body;
  }

  /** One page of the review queue: every verification waiting for a person, oldest decision first. */
  async reviewQueue(q: { limit?: number; cursor?: string } = {}): Promise<VerificationList> {
    return (
      await this.call<VerificationList>('GET', '/verifications', {
        query: { status: 'REQUIRES_REVIEW', ...q },
      })
    ).body;
  }

  /** Every item of a list, page after page. */
  async *all(
    page: (cursor?: string) => Promise<VerificationList>,
  ): AsyncGenerator<VerificationList['items'][number]> {
    let cursor: string | undefined;
    do {
      const p = await page(cursor);
      yield* p.items;
      cursor = p.nextCursor ?? undefined;
    } while (cursor);
  }

  async review(verificationId: string, body: ReviewRequest): Promise<Verification> {
    const path = `/verifications/${encodeURIComponent(verificationId)}/review`;
    return (await this.call<Verification>('POST', path, { body })).body;
  }

  async cancel(verificationId: string): Promise<Verification> {
    const path = `/verifications/${encodeURIComponent(verificationId)}/cancel`;
    return (await this.call<Verification>('POST', path)).body;
  }

  async erase(verificationId: string): Promise<ErasureAnswer> {
    const path = `/verifications/${encodeURIComponent(verificationId)}`;
    return (await this.call<ErasureAnswer>('DELETE', path)).body;
  }

  private async call<T>(
    method: string,
    path: string,
    opts: { body?: unknown; query?: Record<string, string | number | undefined> } = {},
  ): Promise<{ status: number; body: T }> {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) query[k] = String(v);
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    for (let attempt = 0; ; attempt++) {
      const res = await this.send(method, path, query, body);
      const text = await res.text();
      if (res.ok) return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
      const error = toError(res, text);
      // A busy slot is retried; VERIFICATION_CHANGED is not: the caller should look again first.
      const busy = res.status === 409 && error.retryAfter !== undefined && error.code === 'CONFLICT';
      if (attempt >= this.retries || !(RETRYABLE.has(res.status) || busy)) throw error;
      await this.sleep(
        error.retryAfter !== undefined
          ? error.retryAfter * 1000
          : Math.min(MAX_BACKOFF_MS, 200 * 2 ** attempt) * (0.5 + Math.random() / 2),
      );
    }
  }

  /** One attempt, signed afresh (a signature is valid for 5 minutes and must not outlive a backoff). */
  private async send(method: string, path: string, query: Record<string, string>, body?: string) {
    const url = new URL(`${this.base.pathname.replace(/\/$/, '')}${path}`, this.base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let headers: Record<string, string> = {
      host: url.host,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    if (this.signer) {
      const signed = await this.signer.sign({
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query,
        headers,
        body,
      });
      headers = signed.headers as Record<string, string>;
    }
    return this.fetch(url, { method, headers, body, redirect: 'manual' });
  }
}

function toError(res: Response, text: string): MultidocApiError {
  const header = res.headers.get('retry-after');
  const retryAfter = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  let code = `HTTP_${res.status}`;
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string }; message?: string };
    // Ours: { error: { code, message } }; API Gateway's own (throttling, auth): { message }.
    code = parsed.error?.code ?? code;
    message = parsed.error?.message ?? parsed.message ?? message;
  } catch {
    // not JSON: keep the text
  }
  return new MultidocApiError(res.status, code, message, retryAfter);
}
