/**
 * AWS's own failure modes (docs/failure-modes.md), one per test, injected as AWS returns them by a
 * proxy in front of the emulator (local/aws-faults.ts): nothing lost, nothing doubled, nobody locked
 * out. Every AWS call of the system goes through the proxy.
 */
import { AwsFaults } from '../../local/aws-faults';
import type { LocalSystem } from '../../local/system';
import {
  continueToDocument,
  eventsFor,
  http,
  postWebhook,
  settled,
  simComplete,
  simSessions,
  startTestSystem,
  startVerification,
  waitForEvents,
} from './helpers';

jest.setTimeout(90_000);

let system: LocalSystem;
let faults: AwsFaults;
const emulator = process.env.AWS_ENDPOINT_URL ?? '';

beforeAll(async () => {
  faults = new AwsFaults(emulator);
  process.env.AWS_ENDPOINT_URL = await faults.start();
  system = await startTestSystem('aws-faults');
});

afterAll(async () => {
  await system?.stop();
  await faults?.stop();
  process.env.AWS_ENDPOINT_URL = emulator;
});

const tokensOf = async (clientId: string, verificationId: string) => {
  const mine = (await simSessions(system, clientId)).filter((s) => s.externalRef === verificationId);
  return {
    identity: mine.filter((s) => s.successUrl.includes('/continue')).length,
    document: mine.filter((s) => !s.successUrl.includes('/continue')).length,
  };
};
/** A transaction whose items write the given partition key (the start's create writes CLIENT#<id>). */
const writes = (pk: string) => (body: Record<string, any>) =>
  JSON.stringify(body.TransactItems ?? []).includes(pk);
const failuresSoFar = () => system.runners.reduce((n, r) => n + r.stats.failures, 0);

describe('DynamoDB refuses a transaction (TransactionConflict): tried again, never taken as a lost race', () => {
  it('the start’s create: 201 at once, one token', async () => {
    const clientId = 'faults-create-conflict';
    faults.inject({ kind: 'ddb-conflict', times: 2, match: writes(`CLIENT#${clientId}`) });
    const res = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect(res.status).toBe(201);
    expect(await tokensOf(clientId, res.body.verificationId as string)).toEqual({ identity: 1, document: 0 });
  });

  it('attaching the document session: 302 to it, one DOCUMENT token', async () => {
    const clientId = 'faults-attach-conflict';
    const { verificationId, identity } = await startVerification(system, { clientId });
    faults.inject({
      kind: 'ddb-conflict',
      times: 2,
      match: (b) => JSON.stringify(b).includes('documentClaim.id = :claimId'),
    });
    const followed = await http('GET', identity.successUrl);
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).toContain(system.simulator?.url as string);
    expect(await tokensOf(clientId, verificationId)).toEqual({ identity: 1, document: 1 });
  });

  it('binding documents in the comparator: tried again in the same run, no work message fails', async () => {
    const clientId = 'faults-bind-conflict';
    const { verificationId, identity } = await startVerification(system, { clientId });
    const done = await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
    await settled(system);
    const before = failuresSoFar();
    faults.inject({
      kind: 'ddb-conflict',
      times: 2,
      match: (b) => JSON.stringify(b).includes('ADD boundDocuments'),
    });
    await simComplete(system, document?.scanRef ?? '', {});
    const [event] = await waitForEvents(system, verificationId);
    expect(event?.detail.status).toBe('VERIFIED');
    await settled(system);
    expect(failuresSoFar() - before).toBe(0);
    expect(eventsFor(system, verificationId)).toHaveLength(1);
  });
});

describe('a write committed whose answer was lost (the SDK retries it)', () => {
  it('the start’s claim: it is our own, the start goes on at once (no 409, nobody locked out)', async () => {
    const clientId = 'faults-claim-lost';
    faults.inject({
      kind: 'ddb-lost',
      match: (b) => b.Item?.pk?.S === `CLIENT#${clientId}` && b.Item?.claimId !== undefined,
    });
    const res = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect(res.status).toBe(201);
    expect(await tokensOf(clientId, res.body.verificationId as string)).toEqual({ identity: 1, document: 0 });
  });

  it('the start’s create: DynamoDB answers the retry from its first attempt (ClientRequestToken): 201', async () => {
    const clientId = 'faults-create-lost';
    faults.inject({ kind: 'ddb-lost', match: writes(`CLIENT#${clientId}`) });
    const res = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect(res.status).toBe(201);
    expect(await tokensOf(clientId, res.body.verificationId as string)).toEqual({ identity: 1, document: 0 });
  });

  it('the create keeps failing: the minted token is kept, and the retry stores it (503, then one token)', async () => {
    const clientId = 'faults-create-down';
    faults.inject({ kind: 'ddb-500', times: 30, match: writes(`CLIENT#${clientId}`) });
    const first = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect([first.status, first.headers.get('retry-after')]).toEqual([503, '1']);
    const retried = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect(retried.status).toBe(200);
    const verificationId = retried.body.verificationId as string;
    expect(await tokensOf(clientId, verificationId)).toEqual({ identity: 1, document: 0 });
    expect(retried.body.redirectUrl).toContain(system.simulator?.url as string);
  });

  it('SQS SendMessage: the duplicate is deduplicated; one decision, one event', async () => {
    const clientId = 'faults-send-lost';
    const { verificationId, identity } = await startVerification(system, { clientId });
    faults.inject({ kind: 'sqs-lost', times: 2 });
    const done = await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
    await simComplete(system, document?.scanRef ?? '', {});
    await waitForEvents(system, verificationId);
    await settled(system);
    expect(eventsFor(system, verificationId)).toHaveLength(1);
  });
});

describe('throttling and 500s', () => {
  it('on the store’s reads and writes: retried by the SDK, never seen by the caller', async () => {
    // Four in a row on one call: within the SDK's five attempts (adaptive, with backoff).
    faults.inject({ kind: 'ddb-throttle', times: 2 });
    faults.inject({ kind: 'ddb-500', times: 2 });
    const res = await http('POST', `${system.apiUrl}/verifications`, { clientId: 'faults-throttled' });
    expect(res.status).toBe(201);
  });

  it('SQS SendMessage 500s: the webhook still answers 200 once the result is queued', async () => {
    const clientId = 'faults-send-500';
    const { verificationId, identity } = await startVerification(system, { clientId });
    faults.inject({ kind: 'sqs-500', times: 2 });
    await system.simulator?.complete(identity.scanRef, { deliver: false });
    const payload = system.simulator?.sessions.get(identity.scanRef)?.webhooks.at(-1);
    const res = await postWebhook(system, payload);
    expect(res.status).toBe(200);
    await settled(system);
    expect(
      (await http('GET', `${system.apiUrl}/verifications/${verificationId}`)).body.sessions,
    ).toMatchObject({
      identity: { final: true },
    });
  });
});

describe('EventBridge PutEvents', () => {
  it('refused (FailedEntryCount): tried again in the run; no work message fails; one event', async () => {
    const clientId = 'faults-events-partial';
    const { verificationId, identity } = await startVerification(system, { clientId });
    const done = await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
    await settled(system);
    const before = failuresSoFar();
    faults.inject({ kind: 'events-partial', times: 2 });
    await simComplete(system, document?.scanRef ?? '', {});
    await waitForEvents(system, verificationId);
    await settled(system);
    expect(failuresSoFar() - before).toBe(0);
    expect(eventsFor(system, verificationId).map((e) => e.detail.eventId)).toEqual([`${verificationId}#1`]);
  });

  it('its answer lost: at least once, never a second eventId (subscribers dedupe on it)', async () => {
    const clientId = 'faults-events-lost';
    const { verificationId, identity } = await startVerification(system, { clientId });
    const done = await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
    await settled(system);
    faults.inject({ kind: 'events-lost' });
    await simComplete(system, document?.scanRef ?? '', {});
    await waitForEvents(system, verificationId);
    await settled(system);
    const ids = eventsFor(system, verificationId).map((e) => e.detail.eventId);
    expect(new Set(ids)).toEqual(new Set([`${verificationId}#1`]));
    // The SDK's one retry after a lost answer publishes a copy: EventBridge takes no idempotency key.
    expect(ids.length).toBeLessThanOrEqual(2);
  });
});
