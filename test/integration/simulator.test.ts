/** The iDenfy simulator against docs/idenfy-api.md, over real sockets, with a webhook receiver of our own. */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IdenfySimulator } from '../../local/simulator/simulator';
import { http, waitFor } from './helpers';

jest.setTimeout(30_000);

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let sim: IdenfySimulator;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Status codes the receiver answers with, in order (then 200). */
const answers: number[] = [];
const auth = `Basic ${Buffer.from('local-key:local-secret').toString('base64')}`;

beforeAll(async () => {
  sim = new IdenfySimulator({ retryDelayMs: 10, maxDeliveryAttempts: 10 });
  await sim.start();
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(answers.shift() ?? 200).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await sim.stop();
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
});

beforeEach(() => {
  received.length = 0;
  answers.length = 0;
});

const token = (body: unknown, headers: Record<string, string> = { authorization: auth }) =>
  http('POST', `${sim.url}/api/v2/token`, body, headers);

describe('POST /api/v2/token', () => {
  it('answers 201 with the full echo: defaults, uppercased names, UUID scanRef, 40-character authToken', async () => {
    const res = await token({
      clientId: 'c-1',
      firstName: 'John Tom',
      lastName: 'Smith',
      callbackUrl: receiverUrl,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      message: 'Token created successfully',
      clientId: 'c-1',
      personScanRef: 'c-1',
      firstName: 'JOHN TOM',
      lastName: 'SMITH',
      tokenType: 'IDENTIFICATION',
      expiryTime: 3600,
      sessionLength: 600,
      locale: 'en',
      documents: ['ID_CARD', 'PASSPORT', 'DRIVER_LICENSE', 'RESIDENCE_PERMIT'],
      showInstructions: true,
      externalRef: null,
      digitString: null,
    });
    expect(res.body.scanRef).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(res.body.authToken).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(res.body.redirectUrl).toBe(`${sim.url}/api/v2/redirect?authToken=${res.body.authToken}`);
  });

  it.each([
    [{}, 400, 'MISSING_VALUE', 'clientId'],
    [{ clientId: 'c', firstName: 'J0hn' }, 400, 'BAD_VALUE', 'firstName'],
    [{ clientId: 'c', dateOfBirth: '1990/01/01' }, 400, 'BAD_VALUE', 'dateOfBirth'],
    [{ clientId: 'c', sex: 'X' }, 400, 'BAD_VALUE', 'sex'],
    [{ clientId: 'c', expiryTime: 2_592_001 }, 400, 'BAD_VALUE', 'expiryTime'],
    [{ clientId: 'c', sessionLength: 30 }, 400, 'BAD_VALUE', 'sessionLength'],
    [{ clientId: 'c', externalRef: 'x'.repeat(41) }, 400, 'BAD_VALUE', 'externalRef'],
    [{ clientId: 'c', successUrl: 'abc' }, 400, 'BAD_VALUE', 'successUrl'],
    [{ clientId: 'c', tokenType: 'SELFIE' }, 400, 'BAD_VALUE', 'tokenType'],
  ])('%j → %i %s naming %s', async (body, status, identifier, field) => {
    const res = await token(body);
    expect(res.status).toBe(status);
    expect(res.body.identifier).toBe(identifier);
    expect(res.body.message).toContain(field);
  });

  it('refuses bad credentials with UNAUTHORIZED and malformed JSON with JSON_ERROR', async () => {
    const bad = await token(
      { clientId: 'c' },
      { authorization: `Basic ${Buffer.from('x:y').toString('base64')}` },
    );
    expect(bad).toMatchObject({ status: 401, body: { identifier: 'UNAUTHORIZED' } });
    const none = await token({ clientId: 'c' }, {});
    expect(none.status).toBe(401);
    const json = await http('POST', `${sim.url}/api/v2/token`, '{"clientId":', { authorization: auth });
    expect(json).toMatchObject({ status: 400, body: { identifier: 'JSON_ERROR' } });
  });

  it('dummyStatus creates the verification at once and fires its webhook without any UI', async () => {
    const res = await token({ clientId: 'dummy-1', dummyStatus: 'DENIED', callbackUrl: receiverUrl });
    expect(res.body.message).toBe('Dummy token and verification created successfully');
    await waitFor(() => (received.length > 0 ? true : undefined), 'the dummy webhook');
    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({
      final: true,
      status: { overall: 'DENIED' },
    });
  });
});

describe('webhooks', () => {
  it('are signed so that a third party can verify them: lowercase hex HMAC-SHA256 of the exact bytes', async () => {
    const t = await token({ clientId: 'sig-1', callbackUrl: receiverUrl, externalRef: 'ext-1' });
    await http('POST', `${sim.url}/simulator/sessions/${t.body.scanRef}/complete`, { overall: 'APPROVED' });
    const hook = received[0];
    const expected = createHmac('sha256', 'local-signing-key')
      .update(hook?.body ?? '')
      .digest('hex');
    expect(hook?.headers['idenfy-signature']).toBe(expected);
    expect(hook?.headers['idenfy-event-type']).toBe('IDENTIFICATION_AUTO_FINISHED');
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      final: true,
      scanRef: t.body.scanRef,
      externalRef: 'ext-1',
      clientId: 'sig-1',
      status: {
        overall: 'APPROVED',
        autoFace: 'FACE_MATCH',
        autoDocument: 'DOC_VALIDATED',
        manualFace: null,
      },
      data: { docType: 'ID_CARD' },
    });
  });

  it('are retried on non-2xx until answered 2xx', async () => {
    answers.push(500, 503, 404);
    const t = await token({ clientId: 'retry-1', callbackUrl: receiverUrl });
    const done = await http('POST', `${sim.url}/simulator/sessions/${t.body.scanRef}/complete`, {});
    expect(done.body.deliveries).toEqual([{ status: 200, attempts: 4 }]);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
  });

  it('send the user to the error URL when the receiver never answers 2xx (after 10 tries)', async () => {
    answers.push(...Array(10).fill(500));
    const t = await token({
      clientId: 'retry-2',
      callbackUrl: receiverUrl,
      errorUrl: 'https://client.example/failed',
    });
    const done = await http('POST', `${sim.url}/simulator/sessions/${t.body.scanRef}/complete`, {});
    expect(done.body).toEqual({
      redirectTo: 'https://client.example/failed',
      deliveries: [{ status: 500, attempts: 10 }],
    });
  });

  it('with manual review: an automatic final:false result, then the manual final:true one', async () => {
    const t = await token({ clientId: 'two-wave-1', callbackUrl: receiverUrl });
    await http('POST', `${sim.url}/simulator/sessions/${t.body.scanRef}/complete`, {
      overall: 'APPROVED',
      manualReview: true,
    });
    expect(received.map((r) => r.headers['idenfy-event-type'])).toEqual([
      'IDENTIFICATION_AUTO_FINISHED',
      'IDENTIFICATION_MANUAL_FINISHED',
    ]);
    const [auto, manual] = received.map((r) => JSON.parse(r.body));
    expect(auto).toMatchObject({ final: false, status: { manualFace: null, manualDocument: null } });
    expect(manual).toMatchObject({
      final: true,
      status: { manualFace: 'FACE_MATCH', manualDocument: 'DOC_VALIDATED' },
    });
  });

  it('IDENTIFICATION_EXPIRED when a token is never used within expiryTime', async () => {
    const t = await token({ clientId: 'expire-1', callbackUrl: receiverUrl, expiryTime: 1 });
    await waitFor(() => (received.length > 0 ? true : undefined), 'the expiry webhook', 5000);
    expect(received[0]?.headers['idenfy-event-type']).toBe('IDENTIFICATION_EXPIRED');
    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({
      scanRef: t.body.scanRef,
      status: { overall: 'EXPIRED' },
      data: { docFirstName: null },
    });
    const status = await http(
      'POST',
      `${sim.url}/api/v2/status`,
      { scanRef: t.body.scanRef },
      { authorization: auth },
    );
    expect(status.body.status).toBe('EXPIRED');
  });
});

describe('status and delete', () => {
  it('/api/v2/delete refuses an active token with PARTNER_ERROR, then deletes once it is used', async () => {
    const t = await token({ clientId: 'delete-1', callbackUrl: receiverUrl });
    const early = await http(
      'POST',
      `${sim.url}/api/v2/delete`,
      { scanRef: t.body.scanRef },
      { authorization: auth },
    );
    expect(early).toMatchObject({
      status: 400,
      body: { identifier: 'PARTNER_ERROR', message: 'Token has not expired yet.', severity: 'NOT_SEVERE' },
    });
    await http('POST', `${sim.url}/simulator/sessions/${t.body.scanRef}/complete`, {});
    const res = await fetch(`${sim.url}/api/v2/delete`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ scanRef: t.body.scanRef }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const status = await http(
      'POST',
      `${sim.url}/api/v2/status`,
      { scanRef: t.body.scanRef },
      { authorization: auth },
    );
    expect(status.body.status).toBe('DELETED');
  });
});

describe('hosted page', () => {
  it('lets a person pick the outcome and edit the data, then redirects like iDenfy', async () => {
    const t = await token({
      clientId: 'hosted-1',
      firstName: 'Ana',
      callbackUrl: receiverUrl,
      errorUrl: 'https://client.example/failed',
    });
    const page = await fetch(`${sim.url}/api/v2/redirect?authToken=${t.body.authToken}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('value="ANA"');
    const res = await fetch(`${sim.url}/api/v2/redirect?authToken=${t.body.authToken}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ outcome: 'DENIED', docFirstName: 'ANNA' }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://client.example/failed');
    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({
      status: { overall: 'DENIED' },
      data: { docFirstName: 'ANNA' },
    });
    const again = await fetch(`${sim.url}/api/v2/redirect?authToken=${t.body.authToken}`);
    expect(again.status).toBe(410);
  });
});
