/**
 * A second approval for risky reviews (docs/api.md, the review route) through the real handlers: the
 * first APPROVE is recorded (202) and waits, the same reviewer again is refused, another decides; two
 * first approvals at once record one. Answers checked against contracts/openapi.yaml; events counted.
 */
import type { LocalSystem } from '../../local/system';
import { responseProblems } from '../support/contracts';
import { eventsFor, http, settled, startTestSystem, twoStepJourney } from './helpers';

jest.setTimeout(90_000);

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem('approval', { context: { secondApprovalReasons: 'LAST_NAME_MISMATCH' } });
});
afterAll(async () => {
  await system?.stop();
});

const review = async (id: string, body: Record<string, unknown>) => {
  const res = await http('POST', `${system.apiUrl}/verifications/${id}/review`, body);
  expect(responseProblems('POST', '/verifications/{verificationId}/review', res.status, res.body)).toEqual(
    [],
  );
  return res;
};
/** A verification waiting for a person because the surnames differ (a reason in secondApprovalReasons). */
async function risky(clientId: string) {
  const { verificationId, view } = await twoStepJourney(
    system,
    clientId,
    { docLastName: 'MÜLLER' },
    { docLastName: 'SCHMIDT' },
  );
  expect(view.reasons).toContain('LAST_NAME_MISMATCH');
  return verificationId;
}

it('the first approval waits (202, audited, nothing published); the same reviewer again: 409; another decides', async () => {
  const id = await risky('approval-two');
  const first = await review(id, {
    decision: 'APPROVE',
    reviewer: 'Alice',
    note: 'married name, seen the certificate',
  });
  expect(first.status).toBe(202);
  expect(first.body).toMatchObject({
    status: 'REQUIRES_REVIEW',
    awaitingSecondApproval: true,
    firstApproval: { reviewer: 'Alice', by: null },
  });
  await settled(system);
  expect(eventsFor(system, id).map((e) => e['detail-type'])).toEqual(['Verification Finalized']);

  const again = await review(id, { decision: 'APPROVE', reviewer: 'ALICE ' });
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ error: { code: 'SAME_REVIEWER' } });

  const second = await review(id, { decision: 'APPROVE', reviewer: 'Bob', note: 'agreed' });
  expect(second.status).toBe(200);
  expect(second.body).toMatchObject({ status: 'VERIFIED', awaitingSecondApproval: false });
  expect(
    (second.body.audit as { action: string; reviewer: string }[]).map((a) => [a.action, a.reviewer]),
  ).toEqual([
    ['APPROVAL_RECORDED', 'Alice'],
    ['REVIEWED', 'Bob'],
  ]);
  await settled(system);
  expect(eventsFor(system, id).map((e) => e['detail-type'])).toEqual([
    'Verification Finalized',
    'Verification Reviewed',
  ]);
});

it('a reject decides at once, without a second reviewer', async () => {
  const id = await risky('approval-reject');
  const res = await review(id, { decision: 'REJECT', reviewer: 'Alice' });
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('REJECTED');
});

it('two first approvals at once: one recorded (202), the other told to read again (409); no event', async () => {
  const id = await risky('approval-race');
  const answers = await Promise.all([
    http('POST', `${system.apiUrl}/verifications/${id}/review`, { decision: 'APPROVE', reviewer: 'Alice' }),
    http('POST', `${system.apiUrl}/verifications/${id}/review`, { decision: 'APPROVE', reviewer: 'Bob' }),
  ]);
  const statuses = answers.map((a) => a.status).sort();
  // Either one waits and the other is told it changed, or (one after the other) the second decides.
  expect([
    [202, 409],
    [200, 202],
  ]).toContainEqual(statuses);
  const view = (await http('GET', `${system.apiUrl}/verifications/${id}`)).body as {
    status: string;
    audit: { action: string }[];
  };
  await settled(system);
  if (statuses[0] === 202) {
    expect(answers.find((a) => a.status === 409)?.body).toMatchObject({
      error: { code: 'VERIFICATION_CHANGED' },
    });
    expect(view.status).toBe('REQUIRES_REVIEW');
    expect(view.audit.map((a) => a.action)).toEqual(['APPROVAL_RECORDED']);
    expect(eventsFor(system, id)).toHaveLength(1);
  } else {
    expect(view.status).toBe('VERIFIED');
    expect(view.audit.map((a) => a.action)).toEqual(['APPROVAL_RECORDED', 'REVIEWED']);
    expect(eventsFor(system, id)).toHaveLength(2);
  }
});
