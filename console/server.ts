/**
 * The review console's server (docs/console.md): a web UI on 127.0.0.1 for reviewers. The browser
 * talks only to this server; this server calls the API through the typed client with the operator's
 * own AWS credentials, so nothing new faces the internet and no credential reaches the browser.
 *
 * A local server that acts with the operator's credentials is a target for any web page the operator
 * visits (cross-site requests, DNS rebinding), so it answers only requests whose Host is its own
 * address, and its API only requests carrying the `x-review-console` header, which a cross-site page
 * cannot send without a CORS preflight this server never grants.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MultidocApiError, type MultidocClient } from '../client';
import { CONSOLE_HTML } from './page';

export const CONSOLE_HEADER = 'x-review-console';
const MAX_BODY_BYTES = 16 * 1024;

export interface ConsoleServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface ConsoleOptions {
  /** A link to each session in iDenfy's dashboard: an https URL with `{scanRef}` where the session goes. */
  dashboardUrl?: string;
}

/** Refuses a dashboard pattern that is no https URL or has no place for the session. */
export function checkDashboardUrl(pattern: string | undefined): string | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  const filled = pattern.replaceAll('{scanRef}', 'scan');
  if (!pattern.includes('{scanRef}') || !URL.canParse(filled) || new URL(filled).protocol !== 'https:')
    throw new Error('--dashboard: an https URL with {scanRef} where the session goes');
  return pattern;
}

export async function startConsole(
  api: MultidocClient,
  port = 3002,
  opts: ConsoleOptions = {},
): Promise<ConsoleServer> {
  const settings = { dashboardUrl: checkDashboardUrl(opts.dashboardUrl) ?? null };
  const server = createServer((req, res) => {
    handle(api, settings, req, res, server).catch((err: unknown) => answerError(res, err));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, close: () => new Promise((r) => server.close(() => r())) };
}

async function handle(
  api: MultidocClient,
  settings: { dashboardUrl: string | null },
  req: IncomingMessage,
  res: ServerResponse,
  server: Server,
) {
  const { port } = server.address() as AddressInfo;
  if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`) {
    return json(res, 403, {
      error: { code: 'FORBIDDEN', message: 'Host: open the console at its own address' },
    });
  }
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
  if (req.method === 'GET' && url.pathname === '/') {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
      'x-frame-options': 'DENY',
    });
    return res.end(CONSOLE_HTML);
  }
  if (!url.pathname.startsWith('/api/'))
    return json(res, 404, { error: { code: 'NOT_FOUND', message: url.pathname } });
  if (req.headers[CONSOLE_HEADER] !== '1') {
    return json(res, 403, { error: { code: 'FORBIDDEN', message: `${CONSOLE_HEADER}: required` } });
  }

  const match = /^\/api\/verifications\/([^/]+)(\/review)?$/.exec(url.pathname);
  const id = match ? verificationId(match[1] ?? '') : '';
  const cursor = url.searchParams.get('cursor') ?? undefined;
  if (req.method === 'GET' && url.pathname === '/api/settings') return json(res, 200, settings);
  if (req.method === 'GET' && url.pathname === '/api/queue') {
    return json(res, 200, await api.reviewQueue({ limit: 20, cursor }));
  }
  if (req.method === 'GET' && match && !match[2]) return json(res, 200, await api.get(id));
  if (req.method === 'POST' && match?.[2]) {
    const body = await readJson(req);
    return json(res, 200, await api.review(id, body as never));
  }
  if (req.method === 'DELETE' && match && !match[2]) return json(res, 202, await api.erase(id));
  return json(res, 404, { error: { code: 'NOT_FOUND', message: `${req.method} ${url.pathname}` } });
}

/** The id as the page sent it; text that is not percent-encoding is the caller's error, as the API says. */
function verificationId(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new MultidocApiError(400, 'VALIDATION_ERROR', 'verificationId: not valid percent-encoding');
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!String(req.headers['content-type']).startsWith('application/json')) {
    throw new MultidocApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'content-type: must be application/json');
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new MultidocApiError(413, 'TOO_LARGE', '(body): too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new MultidocApiError(400, 'INVALID_INPUT', '(body): not JSON');
  }
}

/** The API's own error, passed on as it said it; anything else without its details. */
function answerError(res: ServerResponse, err: unknown) {
  if (err instanceof MultidocApiError) {
    return json(res, err.status, {
      error: { code: err.code, message: err.message.replace(/^\d+ \S+: /, '') },
    });
  }
  // The error's class and message (a network failure, say), never a body: it could hold personal data.
  const e = err as Error | undefined;
  console.error(`review console: the API call failed: ${e?.name ?? 'Error'}: ${e?.message ?? ''}`);
  return json(res, 502, { error: { code: 'API_UNREACHABLE', message: 'the API could not be reached' } });
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
