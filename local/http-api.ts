/**
 * Serves the template's HTTP API routes: each request becomes an API Gateway HTTP API (payload 2.0)
 * event for the real handler, invoked in-process, and its result becomes the response.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { RouteDef } from './template';

export type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

/** API Gateway's own payload limit for HTTP APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

interface CompiledRoute {
  def: RouteDef;
  pattern: RegExp;
  params: string[];
  handler: HttpHandler;
}

/** A local extra (the page, readiness): answers when it returns true. */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

export function compileRoute(def: RouteDef, handler: HttpHandler): CompiledRoute {
  const params: string[] = [];
  const source = def.path
    .split('/')
    .map((seg) => {
      const m = /^\{(\w+)\+?\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(m[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { def, pattern: new RegExp(`^${source}$`), params, handler };
}

export function toEvent(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  route: CompiledRoute,
  match: RegExpExecArray,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && k !== 'cookie') headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const pathParameters = Object.fromEntries(
    route.params.map((p, i) => [p, decodeURIComponent(match[i + 1] ?? '')]),
  );
  const textual = isText(headers['content-type']) && isUtf8(body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.def.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    cookies: req.headers.cookie ? req.headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    pathParameters: route.params.length > 0 ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.def.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    // Like API Gateway: text bodies as text, anything else base64-encoded.
    body: body.length === 0 ? undefined : textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

/**
 * A payload-2.0 event for a route, built directly (no socket): for tests and the benchmark that invoke a
 * handler in-process. Bodies follow the same rule as served requests: UTF-8 text as text, else base64.
 */
export function routeEvent(
  routeKey: string,
  opts: {
    body?: Buffer | string;
    headers?: Record<string, string>;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
  } = {},
): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : (opts.body ?? Buffer.alloc(0));
  const textual = isUtf8(body);
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: '127.0.0.1', ...opts.headers },
    queryStringParameters: opts.query,
    pathParameters: opts.pathParameters,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'in-process' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

export class LocalHttpApi {
  private server?: Server;
  private compiled: CompiledRoute[] = [];
  url = '';

  constructor(
    routes: { def: RouteDef; handler: HttpHandler }[],
    private readonly extras: ExtraRoute[] = [],
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.setRoutes(routes);
  }

  /** Routes can be set after start: the handlers need the server's URL in their environment first. */
  setRoutes(routes: { def: RouteDef; handler: HttpHandler }[]): void {
    this.compiled = routes.map((r) => compileRoute(r.def, r.handler));
  }

  async start(port: number, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.onError(err);
        if (!res.headersSent) writeJson(res, 500, { message: 'Internal Server Error' });
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, () => resolve());
    });
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = URL.parse(req.url ?? '/', 'http://local');
    if (!url) {
      writeJson(res, 400, { message: 'Bad Request' });
      return;
    }
    for (const route of this.compiled) {
      const match = route.def.method === req.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const body = await readBody(req, MAX_PAYLOAD_BYTES);
      if (!body) {
        writeJson(res, 413, { message: 'Request Entity Too Large' });
        return;
      }
      let event: APIGatewayProxyEventV2;
      try {
        event = toEvent(req, url, body, route, match);
      } catch (err) {
        // Like API Gateway: a path parameter that is not valid percent-encoding is the caller's error.
        if (!(err instanceof URIError)) throw err;
        writeJson(res, 400, { message: 'Bad Request' });
        return;
      }
      writeResult(res, await route.handler(event));
      return;
    }
    for (const extra of this.extras) if (await extra(req, res, url)) return;
    writeJson(res, 404, { message: 'Not Found' });
  }
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  // Payload 2.0: a handler may return a bare value, which API Gateway sends as a 200 JSON body.
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
    writeJson(res, 200, result);
    return;
  }
  const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The body, or undefined when it is larger than `max` (the rest is drained, not buffered). */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) tooLarge = true;
    if (!tooLarge) chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

function isText(contentType: string | undefined): boolean {
  if (!contentType) return true;
  return (
    /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/i.test(contentType) ||
    /\+json/i.test(contentType)
  );
}

function isUtf8(body: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
}
