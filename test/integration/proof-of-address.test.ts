/**
 * Proof of address (docs/decisions.md, "Proof of address") through the local system: the claimed
 * address on start, iDenfy's UTILITY_BILL step in the webhook, the decision, the report, erasure;
 * never the address in an event.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalSystem } from '../../local/system';
import { eventProblems } from '../support/contracts';
import {
  http,
  simComplete,
  startTestSystem,
  startVerification,
  twoStepJourney,
  waitForEvents,
} from './helpers';

jest.setTimeout(90_000);

const STEPS = { ALL: { ALL: { UTILITY_BILL: { type: 'COMPARE' } } } };
const CLAIM = 'Žirmūnų g. 70-12, Vilnius';
let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem('address', { context: { additionalSteps: JSON.stringify(STEPS) } });
});
afterAll(async () => {
  await system?.stop();
});

/** The webhook's proof of address: the address iDenfy read and its own comparison. */
const proof = (value: string | null, status: string | null = null) => ({
  additionalData: { UTILITY_BILL: { address: { value, status } } },
});
const utilityBillStep = { additionalSteps: { UTILITY_BILL: 'COMPARE' }, additionalStepStatus: 'VALID' };

describe('the second session carries a proof of address (an iDenfy account default)', () => {
  it('the same address written differently: VERIFIED; the report holds it, the event does not', async () => {
    const { view, event } = await twoStepJourney(
      system,
      'poa-match',
      {},
      proof('ZIRMUNU GATVE 70 butas 12, LT-09131 Vilnius, Lietuva'),
      { address: CLAIM },
      utilityBillStep,
    );
    expect(view).toMatchObject({ status: 'VERIFIED', reasons: [] });
    expect(view.report.documentChecks?.proofOfAddress).toEqual({
      claimed: CLAIM,
      address: 'ZIRMUNU GATVE 70 butas 12, LT-09131 Vilnius, Lietuva',
      verdict: 'MATCH',
      differs: [],
      idenfyComparison: null,
      tags: [],
    });
    expect(eventProblems(event as NonNullable<typeof event>)).toEqual([]);
    expect(JSON.stringify(event)).not.toMatch(/irm|70-12|ZIRMUNU/i);
  });

  it.each([
    ['another flat', proof('Žirmūnų g. 70-21, Vilnius'), {}, ['ADDRESS_MISMATCH']],
    ["iDenfy's comparison NOT_MATCH", proof(null, 'NOT_MATCH'), {}, ['ADDRESS_MISMATCH']],
    ['too old', proof(CLAIM), { mismatchTags: ['EXPIRED_UTILITY_BILL'] }, ['ADDRESS_PROOF_TOO_OLD']],
    [
      'in someone else’s name',
      proof(CLAIM),
      { mismatchTags: ['UTILITY_NAME'] },
      ['ADDRESS_PROOF_NAME_MISMATCH'],
    ],
    ['nothing read from it', proof(null), {}, ['FIELD_MISSING']],
  ])('%s: REQUIRES_REVIEW', async (what, data, step, reasons) => {
    const { view, event } = await twoStepJourney(
      system,
      `poa-${what.replace(/\W+/g, '-')}`,
      {},
      data,
      { address: CLAIM },
      { ...utilityBillStep, ...step },
    );
    expect(view).toMatchObject({ status: 'REQUIRES_REVIEW', reasons });
    expect(eventProblems(event as NonNullable<typeof event>)).toEqual([]);
  });

  it('no address claimed: the proof is recorded in the report, not judged', async () => {
    const { view } = await twoStepJourney(system, 'poa-unclaimed', {}, proof(CLAIM), {}, utilityBillStep);
    expect(view.status).toBe('VERIFIED');
    expect(view.report.documentChecks?.proofOfAddress).toMatchObject({
      verdict: 'NOT_CLAIMED',
      address: CLAIM,
    });
  });
});

describe('ADDITIONAL_STEP with a UTILITY_BILL step configured', () => {
  it('the token asks for the step and carries the claimed address; a mismatch is named', async () => {
    const { verificationId, identity } = await startVerification(system, {
      clientId: 'poa-additional',
      method: 'ADDITIONAL_STEP',
      address: CLAIM,
    });
    const request = system.simulator?.sessions.get(identity.scanRef)?.request;
    expect(request?.additionalSteps).toEqual(STEPS);
    expect(request?.additionalData).toEqual({ UTILITY_BILL: { address: CLAIM } });
    await simComplete(system, identity.scanRef, { data: proof('Žirmūnų g. 72-12, Vilnius', 'NOT_MATCH') });
    await waitForEvents(system, verificationId);
    const view = (await http('GET', `${system.apiUrl}/verifications/${verificationId}`)).body;
    expect(view).toMatchObject({
      status: 'REQUIRES_REVIEW',
      reasons: ['ADDITIONAL_DOCUMENT_NEEDS_REVIEW', 'ADDRESS_MISMATCH'],
    });

    // Erasure takes the claimed address and the proof's with it: no item holds either any more.
    expect((await http('DELETE', `${system.apiUrl}/verifications/${verificationId}`)).status).toBe(202);
    const table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const items = await table.send(
      new ScanCommand({
        TableName: process.env.TABLE_NAME,
        FilterExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `V#${verificationId}` },
      }),
    );
    expect(items.Items?.length).toBeGreaterThan(0);
    expect(JSON.stringify(items.Items)).not.toMatch(/irm/);
  });

  it('TWO_SESSIONS sends no address to iDenfy (the step is not asked for there)', async () => {
    const { identity } = await startVerification(system, { clientId: 'poa-two-sessions', address: CLAIM });
    const request = system.simulator?.sessions.get(identity.scanRef)?.request;
    expect(request?.additionalData ?? null).toBeNull();
    expect(request?.additionalSteps ?? null).toBeNull();
  });
});

describe('the claimed address on start', () => {
  it.each([
    ['longer than 255 characters', `${'a'.repeat(250)} 12345`, 'must be at most 255 characters'],
    ['a line break', 'Gedimino pr. 9\nVilnius', 'one line without control characters'],
    ['a bidi control', 'Gedimino pr. 9\u202e, Vilnius', 'invisible characters'],
    ['digits alone', '9-3', 'must contain a letter'],
    ['not a string', 9, 'address'],
  ])('%s: 400 naming address', async (_what, address, message) => {
    const res = await http('POST', `${system.apiUrl}/verifications`, { clientId: 'poa-bad', address });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('address');
    expect(JSON.stringify(res.body)).toContain(message);
  });

  it('a repeated start claiming another address: 409 CLAIM_DIFFERS naming address', async () => {
    await startVerification(system, { clientId: 'poa-differs', address: CLAIM });
    const again = await http('POST', `${system.apiUrl}/verifications`, {
      clientId: 'poa-differs',
      address: 'Gedimino pr. 9, Vilnius',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'CLAIM_DIFFERS', details: [{ field: 'address' }] } });
    // The same address (after trimming and NFC) resumes.
    const same = await http('POST', `${system.apiUrl}/verifications`, {
      clientId: 'poa-differs',
      address: ` ${CLAIM} `,
    });
    expect(same.status).toBe(200);
  });
});
