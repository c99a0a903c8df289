import { IdenfyClient } from '../../functions/adapters/idenfy-client';
import { IdenfyError } from '../../functions/app/errors';
import type { TokenRequest } from '../../functions/app/ports/services';

const request: TokenRequest = {
  clientId: 'c1',
  tokenType: 'IDENTIFICATION',
  externalRef: 'v1',
  callbackUrl: 'https://api.example/webhooks/idenfy',
  successUrl: 'https://api.example/s',
  errorUrl: 'https://api.example/e',
  unverifiedUrl: 'https://api.example/u',
};

function client(responses: (Response | Error)[], opts: { maxAttempts?: number } = {}) {
  const calls: RequestInit[] = [];
  const sleeps: number[] = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    calls.push(init);
    const next = responses.shift();
    if (!next) throw new Error('no more responses');
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof fetch;
  const c = new IdenfyClient({
    baseUrl: 'https://idenfy.example',
    apiKey: 'key',
    apiSecret: 'secret',
    fetchImpl,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...opts,
  });
  return { c, calls, sleeps };
}

const ok = () =>
  new Response(
    JSON.stringify({ scanRef: 's1', authToken: 'a'.repeat(40), redirectUrl: 'https://r.example/x' }),
    {
      status: 201,
    },
  );
const err = (status: number, identifier: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ identifier, message: `${identifier} happened` }), { status, headers });

describe('IdenfyClient', () => {
  it('sends Basic auth and JSON, and returns the session', async () => {
    const { c, calls } = client([ok()]);
    await expect(c.createToken(request)).resolves.toEqual({
      scanRef: 's1',
      authToken: 'a'.repeat(40),
      redirectUrl: 'https://r.example/x',
    });
    const headers = calls[0]?.headers as Record<string, string>;
    expect(headers.authorization).toBe(`Basic ${Buffer.from('key:secret').toString('base64')}`);
    expect(JSON.parse(String(calls[0]?.body))).toMatchObject({ clientId: 'c1', tokenType: 'IDENTIFICATION' });
  });

  it('builds the redirect URL when iDenfy does not send one', async () => {
    const { c } = client([new Response(JSON.stringify({ scanRef: 's', authToken: 'T' }), { status: 201 })]);
    await expect(c.createToken(request)).resolves.toMatchObject({
      redirectUrl: 'https://idenfy.example/api/v2/redirect?authToken=T',
    });
  });

  it('retries 5xx with growing backoff and succeeds', async () => {
    const { c, calls, sleeps } = client([err(500, 'INTERNAL_ERROR'), err(503, 'INTERNAL_ERROR'), ok()]);
    await expect(c.createToken(request)).resolves.toMatchObject({ scanRef: 's1' });
    expect(calls).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry a 4xx and reports it as refused, with iDenfy identifier', async () => {
    const { c, calls } = client([err(400, 'BAD_VALUE')]);
    const e = await c.createToken(request).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(IdenfyError);
    expect(e).toMatchObject({ kind: 'PROVIDER_REFUSED', identifier: 'BAD_VALUE' });
    expect(calls).toHaveLength(1);
  });

  it('maps exhausted 429s to 503 with the Retry-After iDenfy sent', async () => {
    const { c, calls } = client([
      err(429, 'TOO_MANY_REQUESTS'),
      err(429, 'TOO_MANY_REQUESTS'),
      err(429, 'TOO_MANY_REQUESTS', { 'retry-after': '7' }),
    ]);
    await expect(c.createToken(request)).rejects.toMatchObject({
      kind: 'PROVIDER_UNAVAILABLE',
      extra: { retryAfterSeconds: 7 },
    });
    expect(calls).toHaveLength(3);
  });

  it('maps timeouts and network errors to 502 after the bounded retries', async () => {
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    const { c, calls } = client([timeout, new TypeError('fetch failed')], { maxAttempts: 2 });
    await expect(c.createToken(request)).rejects.toMatchObject({
      kind: 'PROVIDER_REFUSED',
      identifier: 'UNREACHABLE',
    });
    expect(calls).toHaveLength(2);
  });

  it('refuses a 2xx without scanRef/authToken', async () => {
    const { c } = client([new Response('{}', { status: 201 })]);
    await expect(c.createToken(request)).rejects.toMatchObject({
      kind: 'PROVIDER_REFUSED',
      identifier: 'BAD_RESPONSE',
    });
  });
});
