/**
 * Verification plans (docs/plans.md) through the local system: the built-in with-proof-of-address
 * plan, a plan added by configuration alone, what a start may name, and verifications written before
 * plans. Every answer is checked against contracts/openapi.yaml.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalSystem } from '../../local/system';
import { eventProblems, responseProblems } from '../support/contracts';
import { http, simSessions, startTestSystem, startVerification, twoStepJourney } from './helpers';

jest.setTimeout(90_000);

// A plan nobody wrote code for: identity, then a driving licence.
const LICENCE = {
  id: 'licence',
  version: 2,
  steps: [
    { id: 'identity', kind: 'IDENTITY', documentTypes: ['PASSPORT', 'ID_CARD'] },
    { id: 'licence', kind: 'DOCUMENT', documentTypes: ['DRIVER_LICENSE'] },
  ],
};
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem('plans', { context: { plans: JSON.stringify([LICENCE]) } });
});
afterAll(async () => {
  await system?.stop();
});

async function call(method: string, route: string, path: string, body?: unknown) {
  const res = await http(method, `${system.apiUrl}${path}`, body);
  expect(responseProblems(method, route, res.status, res.body)).toEqual([]);
  return res;
}

it('with-proof-of-address: the permit session asks for the proof and carries the claimed address; VERIFIED', async () => {
  const address = 'Gedimino pr. 9-3, Vilnius';
  const { verificationId, view, event, identitySession, documentSession } = await twoStepJourney(
    system,
    'plan-poa',
    {},
    {
      additionalData: {
        UTILITY_BILL: { address: { value: 'GEDIMINO PROSPEKTAS 9 butas 3, Vilnius', status: null } },
      },
    },
    { plan: 'with-proof-of-address', address },
  );
  const sessions = system.simulator?.sessions;
  expect(sessions?.get(identitySession.scanRef)?.request.additionalSteps ?? null).toBeNull();
  expect(sessions?.get(documentSession.scanRef)?.request).toMatchObject({
    documents: ['RESIDENCE_PERMIT'],
    additionalSteps: { ALL: { ALL: { UTILITY_BILL: { type: 'EXTRACT' } } } },
    additionalData: { UTILITY_BILL: { address } },
  });
  expect(view).toMatchObject({ status: 'VERIFIED', reasons: [] });
  // Subscribers see the plan, never the address.
  expect(event?.detail).toMatchObject({ plan: { id: 'with-proof-of-address', version: 1 } });
  expect(eventProblems(event as NonNullable<typeof event>)).toEqual([]);
  expect(JSON.stringify(event)).not.toMatch(/gedimino/i);
  const got = await call('GET', '/verifications/{verificationId}', `/verifications/${verificationId}`);
  expect(got.body.plan).toEqual({ id: 'with-proof-of-address', version: 1 });
  expect(got.body.steps).toEqual([
    {
      id: 'identity',
      kind: 'IDENTITY',
      scanRef: identitySession.scanRef,
      overall: 'APPROVED',
      final: true,
      docType: expect.any(String),
      additionalSteps: [],
    },
    {
      id: 'permit',
      kind: 'DOCUMENT',
      scanRef: documentSession.scanRef,
      overall: 'APPROVED',
      final: true,
      docType: 'RESIDENCE_PERMIT',
      additionalSteps: ['UTILITY_BILL'],
    },
  ]);
  expect(
    ((event?.detail as { steps?: { id: string; scanRef: string }[] } | undefined)?.steps ?? []).map((s) => [
      s.id,
      s.scanRef,
    ]),
  ).toEqual([
    ['identity', identitySession.scanRef],
    ['permit', documentSession.scanRef],
  ]);
  expect(got.body).toMatchObject({ report: { documentChecks: { proofOfAddress: { verdict: 'MATCH' } } } });
  const list = await call('GET', '/verifications', '/verifications?clientId=plan-poa');
  expect((list.body.items as { plan: unknown }[])[0]?.plan).toEqual({
    id: 'with-proof-of-address',
    version: 1,
  });
});

it('a plan added by configuration alone runs end to end: its document types, its version', async () => {
  const ok = await twoStepJourney(
    system,
    'plan-licence',
    {},
    { docType: 'DRIVER_LICENSE' },
    { plan: 'licence' },
  );
  expect(system.simulator?.sessions.get(ok.documentSession.scanRef)?.request.documents).toEqual([
    'DRIVER_LICENSE',
  ]);
  expect(ok.view).toMatchObject({ status: 'VERIFIED' });
  const got = await call('GET', '/verifications/{verificationId}', `/verifications/${ok.verificationId}`);
  expect(got.body.plan).toEqual({ id: 'licence', version: 2 });
  expect((got.body.steps as { id: string }[]).map((s) => s.id)).toEqual(['identity', 'licence']);
  // The permit is not what this plan asked for.
  const permit = await twoStepJourney(
    system,
    'plan-licence-permit',
    {},
    { docType: 'RESIDENCE_PERMIT' },
    { plan: 'licence' },
  );
  expect(permit.view).toMatchObject({ status: 'REQUIRES_REVIEW', reasons: ['DOCUMENT_TYPE_NOT_ALLOWED'] });
});

describe('what a start may name', () => {
  it.each([
    [
      'an unknown plan',
      { plan: 'three-documents' },
      /^plan: no plan "three-documents" here \(known: two-documents, additional-step, with-proof-of-address, licence\)$/,
    ],
    [
      'a plan and a method that disagree',
      { plan: 'licence', method: 'ADDITIONAL_STEP' },
      /^plan: "licence" is not the ADDITIONAL_STEP method/,
    ],
    ['a plan id that is no id', { plan: 'Licence!' }, /^plan: must be a plan id/],
  ])('%s: 400 naming plan, nothing started', async (_what, body, message) => {
    const clientId = `plan-bad-${Math.random().toString(36).slice(2, 8)}`;
    const res = await call('POST', '/verifications', '/verifications', { clientId, ...body });
    expect(res.status).toBe(400);
    expect((res.body.error as { message: string }).message).toMatch(message);
    expect(await simSessions(system, clientId)).toEqual([]);
  });

  it('a method alone runs its plan; a plan and a method that agree are fine', async () => {
    const a = await call('POST', '/verifications', '/verifications', {
      clientId: 'plan-method',
      method: 'ADDITIONAL_STEP',
    });
    expect(a.body.plan).toEqual({ id: 'additional-step', version: 1 });
    const b = await call('POST', '/verifications', '/verifications', {
      clientId: 'plan-agree',
      method: 'TWO_SESSIONS',
      plan: 'licence',
    });
    expect(b.status).toBe(201);
    expect(b.body).toMatchObject({ method: 'TWO_SESSIONS', plan: { id: 'licence', version: 2 } });
    // A step not reached yet: nulls.
    const pending = await call(
      'GET',
      '/verifications/{verificationId}',
      `/verifications/${b.body.verificationId}`,
    );
    expect((pending.body.steps as unknown[])[1]).toEqual({
      id: 'licence',
      kind: 'DOCUMENT',
      scanRef: null,
      overall: null,
      final: false,
      docType: null,
      additionalSteps: [],
    });
  });

  it('a repeated start naming another plan: 409 CLAIM_DIFFERS naming plan; the same plan resumes', async () => {
    await startVerification(system, { clientId: 'plan-differs', plan: 'licence' });
    const other = await http('POST', `${system.apiUrl}/verifications`, {
      clientId: 'plan-differs',
      plan: 'two-documents',
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: 'CLAIM_DIFFERS', details: [{ field: 'plan' }] } });
    const same = await http('POST', `${system.apiUrl}/verifications`, {
      clientId: 'plan-differs',
      plan: 'licence',
    });
    expect(same.status).toBe(200);
  });
});

it('a verification written before plans reads as its method’s built-in plan, version 1', async () => {
  const { verificationId } = await startVerification(system, {
    clientId: 'plan-old',
    method: 'ADDITIONAL_STEP',
  });
  // As the release before wrote it: no plan on the item.
  await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: `V#${verificationId}`, sk: 'VERIFICATION' },
      UpdateExpression: 'REMOVE #plan, planSteps',
      ExpressionAttributeNames: { '#plan': 'plan' },
    }),
  );
  const got = await call('GET', '/verifications/{verificationId}', `/verifications/${verificationId}`);
  expect(got.body.plan).toEqual({ id: 'additional-step', version: 1 });
  expect(got.body.steps).toEqual([
    {
      id: 'identity',
      kind: 'IDENTITY',
      scanRef: expect.any(String),
      overall: null,
      final: false,
      docType: null,
      additionalSteps: [],
    },
  ]);
  // Resumed as it is, not refused for naming no plan.
  const again = await call('POST', '/verifications', '/verifications', {
    clientId: 'plan-old',
    method: 'ADDITIONAL_STEP',
  });
  expect(again.status).toBe(200);
  expect(again.body.plan).toEqual({ id: 'additional-step', version: 1 });
});
