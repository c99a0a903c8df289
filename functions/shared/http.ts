/** API Gateway HTTP API (payload 2.0) helpers: JSON answers, errors, raw bodies. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { $ZodError } from 'zod/v4/core';
import { HttpError, IdenfyError } from './errors';

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

/** Maps known errors to their answer; anything unknown is a bare 500 (no stack, no message leak). */
export function errorResult(err: unknown): HttpResult {
  if (err instanceof HttpError) {
    return json(err.statusCode, errorBody(err.code, err.message, err.details), err.headers);
  }
  if (err instanceof $ZodError) return zodErrorResult(err);
  if (err instanceof IdenfyError) {
    const headers: Record<string, string> =
      err.retryAfterSeconds !== undefined ? { 'retry-after': String(err.retryAfterSeconds) } : {};
    const code = err.statusCode === 503 ? 'IDENFY_UNAVAILABLE' : 'IDENFY_ERROR';
    return json(err.statusCode, errorBody(code, `iDenfy: ${err.message}`), headers);
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

/** Parses a JSON body; a body that is not JSON is a 400 naming the problem. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new HttpError(400, 'VALIDATION_ERROR', '(body): a JSON body is required');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HttpError(400, 'VALIDATION_ERROR', '(body): not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'VALIDATION_ERROR', '(body): malformed JSON');
  }
}

/** The public base URL of this API, derived per request (a configured URL wins: custom domain, local http). */
export function publicBaseUrl(event: HttpEvent, configured: string | undefined): string {
  if (configured) return configured.replace(/\/+$/, '');
  const stage = event.requestContext.stage;
  const prefix = stage && stage !== '$default' ? `/${stage}` : '';
  return `https://${event.requestContext.domainName}${prefix}`;
}
