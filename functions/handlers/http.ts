/** API Gateway HTTP API (payload 2.0) helpers: JSON answers, errors, raw bodies. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { $ZodError } from 'zod/v4/core';
import { Failure, type FailureKind } from '../app/errors';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function redirect(location: string): HttpResult {
  return { statusCode: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** The one table from a failure to its HTTP answer (docs/api.md's error list mirrors it). */
export const ANSWERS: Record<FailureKind, { status: number; code: string }> = {
  INVALID_INPUT: { status: 400, code: 'VALIDATION_ERROR' },
  INVALID_SIGNATURE: { status: 401, code: 'INVALID_SIGNATURE' },
  INVALID_LINK: { status: 403, code: 'INVALID_LINK' },
  LINK_EXPIRED: { status: 403, code: 'LINK_EXPIRED' },
  NOT_ALLOWED: { status: 403, code: 'FORBIDDEN' },
  NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
  INVALID_STATE: { status: 409, code: 'INVALID_STATE' },
  BUSY: { status: 409, code: 'CONFLICT' },
  CHANGED: { status: 409, code: 'VERIFICATION_CHANGED' },
  CLAIM_DIFFERS: { status: 409, code: 'CLAIM_DIFFERS' },
  SAME_REVIEWER: { status: 409, code: 'SAME_REVIEWER' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  UNAVAILABLE: { status: 503, code: 'SERVICE_UNAVAILABLE' },
  PROVIDER_REFUSED: { status: 502, code: 'IDENFY_ERROR' },
  PROVIDER_UNAVAILABLE: { status: 503, code: 'IDENFY_UNAVAILABLE' },
};

/** Maps known failures to their answer; anything unknown is a bare 500 (no stack, no message leak). */
export function errorResult(err: unknown): HttpResult {
  if (err instanceof $ZodError) return zodErrorResult(err);
  if (err instanceof Failure) {
    const { status, code } = ANSWERS[err.kind];
    const { retryAfterSeconds, details } = err.extra;
    const headers: Record<string, string> =
      retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
    return json(status, errorBody(code, err.message, details), headers);
  }
  return json(500, errorBody('INTERNAL_ERROR', 'Internal error'));
}

export function zodErrorResult(err: $ZodError): HttpResult {
  const details = err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  const message = details.map((d) => `${d.field}: ${d.message}`).join('; ');
  return json(400, errorBody('VALIDATION_ERROR', message, details));
}

/** The exact bytes the caller sent (API Gateway may base64-encode them). */
export function rawBody(event: HttpEvent): Buffer {
  if (event.body == null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * JSON routes take JSON: a body in another media type, or a body that names none, is 415 (parameters
 * such as charset are allowed). A web page can post a form, text or an untyped blob to any address
 * without asking first; only `application/json` needs the browser's preflight, which nobody grants.
 */
export function requireJson(event: HttpEvent): void {
  const type = header(event, 'content-type')?.trim();
  if (type === undefined && rawBody(event).length === 0) return;
  if (type === undefined || !/^application\/json\s*(?:;|$)/i.test(type)) {
    throw new Failure(
      'UNSUPPORTED_MEDIA_TYPE',
      `content-type: must be application/json${type === undefined ? '' : `, not ${type.slice(0, 100)}`}`,
    );
  }
}

/** The public base URL of this API, derived per request (a configured URL wins: custom domain, local http). */
export function publicBaseUrl(event: HttpEvent, configured: string | undefined): string {
  if (configured) return configured.replace(/\/+$/, '');
  const stage = event.requestContext.stage;
  const prefix = stage && stage !== '$default' ? `/${stage}` : '';
  return `https://${event.requestContext.domainName}${prefix}`;
}
