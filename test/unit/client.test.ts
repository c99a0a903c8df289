/**
 * The typed client (client/index.ts) against a server on a real socket: what it signs is what it
 * sends (the server signs the request it received again and compares), it retries 429/503 and a busy
 * 409 as Retry-After says and nothing else, and its types are the ones generated from the contract.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { MultidocApiError, MultidocClient } from '../../client';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

let server: Server;
let baseUrl: string;
let received: Received[] = [];
let replies: Reply[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply = replies.shift() ?? { status: 200, body: {} };
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(reply.body ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  received = [];
  replies = [];
});

const waits: number[] = [];
const signed = () =>
  new MultidocClient({
    baseUrl,
    auth: 'sigv4',
    region: 'eu-west-1',
    credentials: async () => credentials,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });

/** Signs the request the server received again, with the same credentials and time. */
async function expectedAuthorization(r: Received): Promise<string> {
  const url = new URL(r.url, baseUrl);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: 'eu-west-1',
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const amzDate = String(r.headers['x-amz-date']);
  const when = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const out = await signer.sign(
    {
      method: r.method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: {
        host: String(r.headers.host),
        ...(r.headers['content-type'] && r.body ? { 'content-type': String(r.headers['content-type']) } : {}),
      },
      body: r.body || undefined,
    },
    { signingDate: when },
  );
  return String(out.headers.authorization);
}

describe('the typed client', () => {
  it('signs with SigV4 exactly what it sends: method, path, query and body', async () => {
    const api = signed();
    replies = [
      { status: 201, body: { verificationId: 'v1', status: 'PENDING' } },
      { status: 200, body: { items: [], nextCursor: null } },
      { status: 200, body: { verificationId: 'v1' } },
    ];
    const started = await api.start({ clientId: 'user-1', firstName: 'Jürgen' });
    expect(started.created).toBe(true);
    await api.reviewQueue({ limit: 5, cursor: 'abc_-' });
    await api.review('v 1/x', { decision: 'APPROVE', reviewer: 'alice' });
    expect(received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /verifications',
      'GET /verifications?status=REQUIRES_REVIEW&limit=5&cursor=abc_-',
      'POST /verifications/v%201%2Fx/review',
    ]);
    for (const r of received) {
      expect(r.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=/,
      );
      expect(r.headers.authorization).toBe(await expectedAuthorization(r));
    }
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({ clientId: 'user-1', firstName: 'Jürgen' });
  });

  it('a tampered request would not verify (the check above can fail)', async () => {
    replies = [{ status: 200, body: {} }];
    await signed().get('v1');
    const [r] = received as [Received];
    expect(await expectedAuthorization({ ...r, url: '/verifications/v2' })).not.toBe(r.headers.authorization);
  });

  it('retries 429 and 503 as Retry-After says, then answers', async () => {
    waits.length = 0;
    replies = [
      { status: 429, body: { message: 'Too Many Requests' } },
      {
        status: 503,
        body: { error: { code: 'IDENFY_UNAVAILABLE', message: 'later' } },
        headers: { 'retry-after': '2' },
      },
      { status: 200, body: { verificationId: 'v1', status: 'VERIFIED' } },
    ];
    const v = await signed().get('v1');
    expect(v.status).toBe('VERIFIED');
    expect(received).toHaveLength(3);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(200);
    expect(waits[1]).toBe(2000);
  });

  it('retries a start that is busy (409 with Retry-After), but not a 409 that is a wrong state', async () => {
    replies = [
      {
        status: 409,
        body: { error: { code: 'CONFLICT', message: 'busy' } },
        headers: { 'retry-after': '1' },
      },
      { status: 200, body: { verificationId: 'v1', status: 'PENDING' } },
    ];
    expect((await signed().start({ clientId: 'c' })).created).toBe(false);
    replies = [{ status: 409, body: { error: { code: 'INVALID_STATE', message: 'status is VERIFIED' } } }];
    await expect(signed().cancel('v1')).rejects.toMatchObject({ status: 409, code: 'INVALID_STATE' });
    expect(received).toHaveLength(3);
  });

  it('gives up after its retries with the API’s error, and never retries a 400', async () => {
    replies = Array.from({ length: 5 }, () => ({
      status: 503,
      body: { error: { code: 'IDENFY_UNAVAILABLE', message: 'iDenfy is unavailable' } },
    }));
    const err = (await signed()
      .erase('v1')
      .catch((e) => e)) as MultidocApiError;
    expect(err).toBeInstanceOf(MultidocApiError);
    expect(err).toMatchObject({ status: 503, code: 'IDENFY_UNAVAILABLE' });
    expect(received).toHaveLength(4);
    received = [];
    replies = [{ status: 400, body: { error: { code: 'INVALID_INPUT', message: 'clientId: is required' } } }];
    await expect(signed().list({ clientId: '' })).rejects.toThrow('400 INVALID_INPUT: clientId: is required');
    expect(received).toHaveLength(1);
  });

  it('pages through a whole list', async () => {
    replies = [
      { status: 200, body: { items: [{ verificationId: 'a' }, { verificationId: 'b' }], nextCursor: 'n1' } },
      { status: 200, body: { items: [{ verificationId: 'c' }], nextCursor: null } },
    ];
    const api = signed();
    const ids: string[] = [];
    for await (const item of api.all((cursor) => api.reviewQueue({ limit: 2, cursor })))
      ids.push(item.verificationId);
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(received[1]?.url).toContain('cursor=n1');
  });

  it('does not sign for local mode, and needs a Region to sign anywhere else', () => {
    expect(() => new MultidocClient({ baseUrl: 'http://127.0.0.1:3000' })).not.toThrow();
    const region = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      expect(() => new MultidocClient({ baseUrl: 'https://api.example.com' })).toThrow(/^region/);
      expect(
        () => new MultidocClient({ baseUrl: 'https://abc.execute-api.eu-central-1.amazonaws.com' }),
      ).not.toThrow();
    } finally {
      if (region !== undefined) process.env.AWS_REGION = region;
    }
  });

  it('its types are generated from contracts/openapi.yaml, as committed (npm run client:types)', () => {
    const generated = execFileSync(
      process.execPath,
      ['node_modules/openapi-typescript/bin/cli.js', 'contracts/openapi.yaml'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ).toString();
    expect(generated).toBe(readFileSync('client/openapi.d.ts', 'utf8'));
  });
});
