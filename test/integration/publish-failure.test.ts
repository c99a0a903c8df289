/**
 * PutEvents fails after the status was written: the outbox tries a refused event again within the
 * run, then leaves it to the sweep, without failing the work message; the subscriber sees it exactly
 * once, with the eventId of the first attempt.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalSystem } from '../../local/system';
import { FaultProxy } from './fault-proxy';
import {
  continueToDocument,
  eventsFor,
  http,
  settled,
  simComplete,
  startTestSystem,
  startVerification,
  waitFor,
  waitForEvents,
} from './helpers';

jest.setTimeout(60_000);

let system: LocalSystem;
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = new FaultProxy(process.env.AWS_ENDPOINT_URL ?? '');
  // Only EventBridge goes through the proxy; the SDK reads this before the comparator's client is made.
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = await proxy.start();
  system = await startTestSystem('publish');
});

afterAll(async () => {
  await system?.stop();
  await proxy?.stop();
  delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
});

it('publishes exactly one event when PutEvents reports FailedEntryCount > 0 once', async () => {
  const clientId = 'publish-fails-once';
  const { verificationId, identity } = await startVerification(system, { clientId });
  const done = await simComplete(system, identity.scanRef, { overall: 'APPROVED' });
  const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);

  proxy.failNext('AWSEvents.PutEvents', 1, {
    FailedEntryCount: 1,
    Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'injected by the test' }],
  });
  await simComplete(system, document?.scanRef ?? '', { overall: 'APPROVED' });

  const [event] = await waitForEvents(system, verificationId, 'the event after the retry');
  expect(event?.detail).toMatchObject({ eventId: `${verificationId}#1`, status: 'VERIFIED' });
  // The status was written before the failed publish and is not written again.
  const view = await http('GET', `${system.apiUrl}/verifications/${verificationId}`);
  expect(view.body.status).toBe('VERIFIED');
  expect(proxy.calls.get('AWSEvents.PutEvents')).toBe(2);
  // Tried again within the run: the work message did not fail (nothing was redelivered for it).
  expect(system.runners[0]?.stats.failures).toBe(0);

  await settled(system);
  expect(eventsFor(system, verificationId)).toHaveLength(1);
  expect(proxy.calls.get('AWSEvents.PutEvents')).toBe(2);
});

it('a sweep that runs late writes its lease with the real clock: a second run cannot publish the same event again', async () => {
  const clientId = 'publish-late-sweep';
  const { verificationId, identity } = await startVerification(system, { clientId });
  const done = await simComplete(system, identity.scanRef, { overall: 'APPROVED' });
  const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
  // Every try of the comparator's run is refused: the event is left to the sweep (the message succeeds).
  const failed = {
    FailedEntryCount: 1,
    Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'injected' }],
  };
  const before = proxy.calls.get('AWSEvents.PutEvents') ?? 0;
  proxy.failNext('AWSEvents.PutEvents', 3, failed);
  await simComplete(system, document?.scanRef ?? '', { overall: 'APPROVED' });
  await waitFor(
    () => (proxy.calls.get('AWSEvents.PutEvents') ?? 0) >= before + 3 || undefined,
    'three refused publishes',
  );
  await settled(system);
  expect(eventsFor(system, verificationId)).toHaveLength(0);
  expect((await http('GET', `${system.apiUrl}/verifications/${verificationId}`)).body.status).toBe(
    'VERIFIED',
  );

  // The schedule said ten minutes ago, and its run starts only now (a retry, a slow cold start).
  const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  await doc.send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: `V#${verificationId}`, sk: 'VERIFICATION' },
      UpdateExpression: 'SET sweepAt = :at',
      ExpressionAttributeValues: { ':at': new Date(tenMinutesAgo.getTime() - 60_000).toISOString() },
    }),
  );
  const sweeper = system.schedules.find((s) => s.handlerName === 'sweeper');
  // The late run's PutEvents is slow; meanwhile the next run, on time, finds the event due too.
  proxy.delayNext('AWSEvents.PutEvents', 1, 1500);
  const late = sweeper?.fire(tenMinutesAgo);
  await new Promise((r) => setTimeout(r, 300));
  const onTime = sweeper?.fire(new Date());
  await Promise.all([late, onTime]);
  await settled(system);
  // One publish: the on-time run saw the late run's lease still holding (with a frozen clock it had lapsed).
  expect(eventsFor(system, verificationId).map((e) => e.detail.eventId)).toEqual([`${verificationId}#1`]);
});
