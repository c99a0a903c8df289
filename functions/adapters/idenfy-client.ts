/**
 * iDenfy KYC API client: native fetch, a timeout per attempt, bounded retries with jittered backoff
 * on 429/5xx/network errors only. iDenfy's `{identifier,message}` errors become IdenfyError:
 * 503 when iDenfy throttles (429, with Retry-After), 502 for everything else it fails or refuses.
 */

import { IdenfyError } from '../app/errors';
import type { IdenfyApi, TokenRequest } from '../app/ports/services';

export interface IdenfyClientOptions {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  fetchImpl?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Told about every attempt: which operation, how long, and `ok`, `4xx`, `429`, `5xx` or `timeout`/`network`. */
  onCall?: (call: { operation: string; ms: number; outcome: string }) => void;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export class IdenfyClient implements IdenfyApi {
  private readonly auth: string;

  constructor(private readonly opts: IdenfyClientOptions) {
    this.auth = `Basic ${Buffer.from(`${opts.apiKey}:${opts.apiSecret}`).toString('base64')}`;
  }

  async createToken(request: TokenRequest) {
    const body = await this.post('/api/v2/token', request);
    const scanRef = typeof body.scanRef === 'string' ? body.scanRef : undefined;
    const authToken = typeof body.authToken === 'string' ? body.authToken : undefined;
    if (!scanRef || !authToken)
      throw new IdenfyError('PROVIDER_REFUSED', 'BAD_RESPONSE', 'token response lacks scanRef or authToken');
    const redirectUrl =
      typeof body.redirectUrl === 'string' && body.redirectUrl
        ? body.redirectUrl
        : `${this.opts.baseUrl}/api/v2/redirect?authToken=${encodeURIComponent(authToken)}`;
    return { scanRef, authToken, redirectUrl };
  }

  async sessionStatus(scanRef: string) {
    const body = await this.post('/api/v2/status', { scanRef });
    const text = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 50 ? v : null);
    const strings = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    if (typeof body.status !== 'string')
      throw new IdenfyError('PROVIDER_REFUSED', 'BAD_RESPONSE', 'status response lacks status');
    return {
      status: body.status,
      fraudTags: strings(body.fraudTags),
      mismatchTags: strings(body.mismatchTags),
      face: text(body.manualFace) ?? text(body.autoFace),
    };
  }

  /** iDenfy answers 200 with an empty body, or PARTNER_ERROR "Token has not expired yet." (docs/idenfy-api.md §7.2). */
  async deleteSession(scanRef: string): Promise<'deleted' | 'not-found' | 'not-yet'> {
    try {
      await this.post('/api/v2/delete', { scanRef });
      return 'deleted';
    } catch (err) {
      if (!(err instanceof IdenfyError)) throw err;
      if (err.identifier === 'PARTNER_ERROR') return 'not-yet';
      if (err.identifier === 'NOT_FOUND' || err.identifier === 'HTTP_404') return 'not-found';
      throw err;
    }
  }

  private async post(path: string, payload: unknown): Promise<Record<string, unknown>> {
    const maxAttempts = this.opts.maxAttempts ?? 3;
    const fetchImpl = this.opts.fetchImpl ?? fetch;
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let last: IdenfyError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        const base = (this.opts.baseDelayMs ?? 200) * 2 ** (attempt - 2);
        await sleep(base / 2 + Math.random() * base);
      }
      const started = performance.now();
      const report = (outcome: string) =>
        this.opts.onCall?.({
          operation: path.split('/').pop() ?? path,
          ms: performance.now() - started,
          outcome,
        });
      let res: Response;
      try {
        res = await fetchImpl(`${this.opts.baseUrl}${path}`, {
          method: 'POST',
          headers: {
            authorization: this.auth,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 8000),
        });
      } catch (err) {
        const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
        report(timedOut ? 'timeout' : 'network');
        last = new IdenfyError(
          'PROVIDER_REFUSED',
          timedOut ? 'TIMEOUT' : 'UNREACHABLE',
          timedOut ? 'timed out' : 'unreachable',
        );
        continue;
      }
      const text = await res.text();
      const body = parseObject(text);
      report(res.ok ? 'ok' : res.status === 429 ? '429' : res.status >= 500 ? '5xx' : '4xx');
      if (res.ok) return body;
      const identifier = typeof body.identifier === 'string' ? body.identifier : `HTTP_${res.status}`;
      const message = typeof body.message === 'string' ? body.message : `HTTP ${res.status}`;
      if (res.status === 429) {
        last = new IdenfyError(
          'PROVIDER_UNAVAILABLE',
          identifier,
          message,
          retryAfter(res.headers.get('retry-after')) ?? 60,
        );
      } else if (RETRYABLE.has(res.status)) {
        last = new IdenfyError(
          'PROVIDER_REFUSED',
          identifier,
          message,
          retryAfter(res.headers.get('retry-after')),
        );
      } else {
        // 4xx: our request or our keys are wrong; retrying will not help.
        throw new IdenfyError('PROVIDER_REFUSED', identifier, message);
      }
    }
    throw last ?? new IdenfyError('PROVIDER_REFUSED', 'UNREACHABLE', 'unreachable');
  }
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.ceil(n) : undefined;
}
