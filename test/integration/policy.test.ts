/** A policy configured through the CDK app reaches the comparator and decides end to end. */
import type { LocalSystem } from '../../local/system';
import {
  continueToDocument,
  simComplete,
  startTestSystem,
  startVerification,
  waitForEvents,
} from './helpers';

jest.setTimeout(60_000);

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem('policy', {
    context: { decisionPolicy: JSON.stringify({ policyVersion: 'strict-1', onMismatch: 'REJECTED' }) },
  });
});
afterAll(async () => {
  await system?.stop();
});

it('rejects a surname mismatch under a strict policy and records its version', async () => {
  const clientId = 'policy-strict-1';
  const { verificationId, identity } = await startVerification(system, { clientId });
  const done = await simComplete(system, identity.scanRef, { data: { docLastName: 'KOWALSKI' } });
  const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
  await simComplete(system, document?.scanRef ?? '', { data: { docLastName: 'NOWAK' } });
  const [event] = await waitForEvents(system, verificationId, 'the event');
  expect(event?.detail).toMatchObject({
    status: 'REJECTED',
    reasons: ['LAST_NAME_MISMATCH'],
    policyVersion: 'strict-1',
    checks: { lastName: { verdict: 'MISMATCH' } },
  });
});
