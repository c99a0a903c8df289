/**
 * PutEvents fails after the status was written: the comparator's message is retried until the event
 * is out, and the subscriber sees it exactly once, with the eventId of the first attempt.
 */
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
  expect(system.runners[0]?.stats.failures).toBeGreaterThanOrEqual(1);

  await settled(system);
  expect(eventsFor(system, verificationId)).toHaveLength(1);
  expect(proxy.calls.get('AWSEvents.PutEvents')).toBe(2);
});
