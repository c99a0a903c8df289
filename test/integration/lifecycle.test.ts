/**
 * The lifecycle after the first decision (issue 5), through the local system (moto + simulator):
 * the ADDITIONAL_STEP method, manual review, the list route, abandonment and expiry by the scheduled
 * sweep, erasure, expiring permits. Every response is checked against contracts/openapi.yaml and every
 * published event against contracts/events/*.schema.json.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalSchedule, LocalSystem } from '../../local/system';
import { eventProblems, responseProblems } from '../support/contracts';
import {
  continueToDocument,
  eventsFor,
  http,
  postWebhook,
  simComplete,
  simSessions,
  sleep,
  startTestSystem,
  startVerification,
  waitFor,
  waitForEvents,
} from './helpers';

jest.setTimeout(90_000);

const STEPS = { ALL: { ALL: { RESIDENCE_PERMIT: { type: 'UPLOAD' } } } };
const RETENTION_DAYS = 90;
let system: LocalSystem;
let sweeper: LocalSchedule;
let table: DynamoDBDocumentClient;
let tableName: string;

beforeAll(async () => {
  system = await startTestSystem('lifecycle', {
    schedules: 'manual',
    context: { additionalSteps: JSON.stringify(STEPS) },
  });
  const found = system.schedules.find((s) => s.handlerName === 'sweeper');
  if (!found) throw new Error('the template has no schedule for the sweeper');
  sweeper = found;
  table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  tableName = process.env.TABLE_NAME as string;
});

afterAll(async () => {
  await system?.stop();
});

/** Calls a route and checks the answer against the OpenAPI description of that route and status. */
async function call(method: string, route: string, path: string, body?: unknown) {
  const res = await http(method, `${system.apiUrl}${path}`, body);
  expect({
    [`${method} ${route} → ${res.status}`]: responseProblems(method, route, res.status, res.body),
  }).toEqual({
    [`${method} ${route} → ${res.status}`]: [],
  });
  return res;
}

const get = async (id: string): Promise<any> =>
  (await call('GET', '/verifications/{verificationId}', `/verifications/${id}`)).body;
const review = (id: string, body: unknown) =>
  call('POST', '/verifications/{verificationId}/review', `/verifications/${id}/review`, body);
const erase = (id: string) => call('DELETE', '/verifications/{verificationId}', `/verifications/${id}`);

async function waitForStatus(id: string, status: string) {
  return waitFor(async () => {
    const v = await get(id);
    return v.status === status ? v : undefined;
  }, `status ${status}`);
}

/** Runs the sweep as the schedule would at `at`. */
const sweepAt = (at: Date) => sweeper.fire(at) as Promise<{ examined: number; statusCalls: number }>;

/** The sweep's deadline of a token issued now: its expiry (1 h) plus the grace for an open session. */
const afterDeadline = () => new Date(Date.now() + 3600_000 + 66 * 60_000);

async function partition(id: string) {
  const out = await table.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `V#${id}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

async function additionalStep(clientId: string, complete: Record<string, unknown>) {
  const { verificationId, identity } = await startVerification(system, {
    clientId,
    method: 'ADDITIONAL_STEP',
  });
  await simComplete(system, identity.scanRef, complete);
  await waitForEvents(system, verificationId);
  return { verificationId, identity };
}

describe('ADDITIONAL_STEP method', () => {
  it('sends the configured step to iDenfy; an approved identity with the upload needs review', async () => {
    const { verificationId, identity } = await additionalStep('step-valid', {});
    expect(system.simulator?.sessions.get(identity.scanRef)?.request.additionalSteps).toEqual(STEPS);
    const v = await get(verificationId);
    expect(v).toMatchObject({
      method: 'ADDITIONAL_STEP',
      status: 'REQUIRES_REVIEW',
      reasons: ['ADDITIONAL_DOCUMENT_NEEDS_REVIEW'],
      sessions: { identity: { overall: 'APPROVED', final: true }, document: null },
    });
  });

  it.each([
    ['NOT_FOUND', 'ADDITIONAL_DOCUMENT_NOT_FOUND'],
    ['INVALID', 'ADDITIONAL_DOCUMENT_INVALID'],
  ])('names the step verdict %s as %s', async (additionalStepStatus, reason) => {
    const { verificationId } = await additionalStep(`step-${additionalStepStatus}`, { additionalStepStatus });
    expect((await get(verificationId)).reasons).toEqual(['ADDITIONAL_DOCUMENT_NEEDS_REVIEW', reason]);
  });

  it('a denied identity is REJECTED', async () => {
    const { verificationId } = await additionalStep('step-denied', { overall: 'DENIED' });
    expect(await get(verificationId)).toMatchObject({
      status: 'REJECTED',
      reasons: ['IDENTITY_SESSION_DENIED'],
    });
  });
});

describe('manual review', () => {
  it('approves a REQUIRES_REVIEW verification once, audits it, publishes Verification Reviewed once', async () => {
    const { verificationId } = await additionalStep('review-approve', {});
    const res = await review(verificationId, {
      decision: 'APPROVE',
      reviewer: 'alice@example.com',
      note: 'Permit checked',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'VERIFIED',
      reasons: ['MANUAL_REVIEW_APPROVED', 'ADDITIONAL_DOCUMENT_NEEDS_REVIEW'],
      audit: [
        {
          action: 'REVIEWED',
          // Nothing authenticates locally: no principal; the body's name is a display name.
          by: null,
          reviewer: 'alice@example.com',
          from: { status: 'REQUIRES_REVIEW', reasons: ['ADDITIONAL_DOCUMENT_NEEDS_REVIEW'] },
          to: { status: 'VERIFIED' },
          note: 'Permit checked',
        },
      ],
    });
    const events = await waitFor(() => {
      const e = eventsFor(system, verificationId);
      return e.length >= 2 ? e : undefined;
    }, 'the review event');
    expect(events.map((e) => [e['detail-type'], e.detail.eventId])).toEqual([
      ['Verification Finalized', `${verificationId}#1`],
      ['Verification Reviewed', `${verificationId}#2`],
    ]);
    expect(events[1]?.detail).toMatchObject({
      status: 'VERIFIED',
      previousStatus: 'REQUIRES_REVIEW',
      review: { decision: 'APPROVE' },
    });
    // The event stays thin: who reviewed and what they wrote are in the audit trail only.
    expect(JSON.stringify(events[1]?.detail)).not.toMatch(/alice|Permit checked/);

    const again = await review(verificationId, { decision: 'REJECT', reviewer: 'bob' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'INVALID_STATE' } });
    await sweepAt(new Date());
    expect(eventsFor(system, verificationId)).toHaveLength(2);
  });

  it('two reviewers at the same moment: one wins, the other gets 409, one event, one audit line', async () => {
    const { verificationId } = await additionalStep('review-race', {});
    const answers = await Promise.all([
      review(verificationId, { decision: 'APPROVE', reviewer: 'alice' }),
      review(verificationId, { decision: 'REJECT', reviewer: 'bob' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)?.body as { status: string };
    await waitFor(() => eventsFor(system, verificationId).length >= 2 || undefined, 'the review event');
    const reviewed = eventsFor(system, verificationId).filter(
      (e) => e['detail-type'] === 'Verification Reviewed',
    );
    expect(reviewed).toHaveLength(1);
    expect(reviewed[0]?.detail.status).toBe(winner.status);
    expect((await get(verificationId)).audit).toHaveLength(1);
  });

  it('refuses a review that is not allowed, precisely', async () => {
    const { verificationId } = await startVerification(system, { clientId: 'review-pending' });
    const pending = await review(verificationId, { decision: 'APPROVE', reviewer: 'alice' });
    expect(pending.status).toBe(409);
    expect((pending.body as { error: { message: string } }).error.message).toContain('PENDING');
    const missing = await review('no-such-verification', { decision: 'APPROVE', reviewer: 'alice' });
    expect(missing.status).toBe(404);
    const bad = await review(verificationId, { decision: 'MAYBE', reviewer: '' });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { message: string } }).error.message).toMatch(
      /decision.*reviewer|reviewer.*decision/,
    );
    const extra = await review(verificationId, { decision: 'APPROVE', reviewer: 'a', status: 'VERIFIED' });
    expect(extra.status).toBe(400);
    // Nothing was written by the refusals.
    expect((await get(verificationId)).audit).toEqual([]);
    await simComplete(system, (await simSessions(system, 'review-pending'))[0]?.scanRef as string, {
      overall: 'DENIED',
    });
    await waitForStatus(verificationId, 'REJECTED');
  });
});

describe('list route', () => {
  it('lists a client’s verifications newest first, a page at a time', async () => {
    const clientId = 'list-client';
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { verificationId, identity } = await startVerification(system, { clientId });
      ids.push(verificationId);
      await simComplete(system, identity.scanRef, { overall: 'DENIED' });
      await waitForStatus(verificationId, 'REJECTED');
    }
    const first = await call('GET', '/verifications', `/verifications?clientId=${clientId}&limit=2`);
    const page1 = first.body as { items: { verificationId: string }[]; nextCursor: string | null };
    expect(page1.items.map((i) => i.verificationId)).toEqual([ids[2], ids[1]]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const second = await call(
      'GET',
      '/verifications',
      `/verifications?clientId=${clientId}&limit=2&cursor=${page1.nextCursor}`,
    );
    const page2 = second.body as {
      items: { verificationId: string; status: string }[];
      nextCursor: string | null;
    };
    expect(page2.items.map((i) => i.verificationId)).toEqual([ids[0]]);
    expect(page2.items[0]?.status).toBe('REJECTED');
    expect(page2.nextCursor).toBeNull();

    // Another client cannot page with this client's cursor; garbage and a missing clientId are 400s.
    const foreign = await call(
      'GET',
      '/verifications',
      `/verifications?clientId=someone-else&cursor=${page1.nextCursor}`,
    );
    expect(foreign.status).toBe(400);
    expect((foreign.body as { error: { message: string } }).error.message).toMatch(/^cursor/);
    expect((await call('GET', '/verifications', '/verifications?clientId=x&cursor=%7B%7D')).status).toBe(400);
    expect((await call('GET', '/verifications', '/verifications?clientId=x&limit=500')).status).toBe(400);
    const none = await call('GET', '/verifications', '/verifications');
    expect(none.status).toBe(400);
    expect((none.body as { error: { message: string } }).error.message).toMatch(/^clientId: is required/);
    const empty = await call('GET', '/verifications', '/verifications?clientId=nobody-at-all');
    expect(empty.body).toEqual({ items: [], nextCursor: null });
  });
});

describe('abandonment and expiry (scheduled sweep)', () => {
  const statusCalls = (scanRef: string) => system.simulator?.statusCalls.get(scanRef) ?? 0;

  it('expires a verification nobody finished, after one /status call, and never calls again', async () => {
    const { verificationId, identity } = await startVerification(system, { clientId: 'abandon-identity' });
    await sweepAt(new Date());
    expect((await get(verificationId)).status).toBe('PENDING');
    expect(statusCalls(identity.scanRef)).toBe(0);

    await sweepAt(afterDeadline());
    const v = await get(verificationId);
    expect(v).toMatchObject({ status: 'EXPIRED', reasons: ['IDENTITY_SESSION_EXPIRED'] });
    expect(statusCalls(identity.scanRef)).toBe(1);
    const [event] = await waitForEvents(system, verificationId);
    expect(event?.detail).toMatchObject({
      status: 'EXPIRED',
      previousStatus: 'PENDING',
      reasons: ['IDENTITY_SESSION_EXPIRED'],
    });

    await sweepAt(new Date(afterDeadline().getTime() + 3600_000));
    expect(statusCalls(identity.scanRef)).toBe(1);
    expect(eventsFor(system, verificationId)).toHaveLength(1);
  });

  it('reads every shard of its index', async () => {
    const sharded = await Promise.all(
      ['abandon-shard-1', 'abandon-shard-2', 'abandon-shard-3', 'abandon-shard-4', 'abandon-shard-5'].map(
        (clientId) => startVerification(system, { clientId }),
      ),
    );
    const keys = await Promise.all(
      sharded.map(
        async (v) => (await partition(v.verificationId)).find((i) => i.sk === 'VERIFICATION')?.sweepPk,
      ),
    );
    for (const k of keys) expect(k).toMatch(/^DUE#[0-3]$/);
    // Five ids over four keys all on one would be a 1-in-256 accident, or a bug.
    expect(new Set(keys).size).toBeGreaterThan(1);

    await sweepAt(afterDeadline());
    for (const v of sharded) expect((await get(v.verificationId)).status).toBe('EXPIRED');
  });

  it('names the document step when the user never came back from the identity step, or never finished it', async () => {
    const never = await startVerification(system, { clientId: 'abandon-never-continued' });
    await simComplete(system, never.identity.scanRef, {});
    const unfinished = await startVerification(system, { clientId: 'abandon-document' });
    await simComplete(system, unfinished.identity.scanRef, {});
    const { document } = await continueToDocument(
      system,
      unfinished.identity.successUrl,
      'abandon-document',
      unfinished.verificationId,
    );
    expect(document).toBeDefined();
    await waitFor(
      async () => (await get(unfinished.verificationId)).sessions.identity.final || undefined,
      'identity',
    );

    // The document token was issued later than the identity token: its deadline is later too.
    await sweepAt(afterDeadline());
    expect(await get(never.verificationId)).toMatchObject({
      status: 'EXPIRED',
      reasons: ['DOCUMENT_SESSION_EXPIRED'],
    });
    await sweepAt(new Date(afterDeadline().getTime() + 60_000));
    expect(await get(unfinished.verificationId)).toMatchObject({
      status: 'EXPIRED',
      reasons: ['DOCUMENT_SESSION_EXPIRED'],
    });
    expect(statusCalls(document?.scanRef as string)).toBe(1);
    expect(statusCalls(unfinished.identity.scanRef)).toBe(0);
  });

  it('reconciles a lost webhook from /status instead of expiring (no data: a person must look)', async () => {
    const { verificationId, identity } = await startVerification(system, {
      clientId: 'abandon-lost-webhook',
      method: 'ADDITIONAL_STEP',
    });
    await simComplete(system, identity.scanRef, { deliver: false });
    await sweepAt(afterDeadline());
    const v = await get(verificationId);
    expect(v.status).toBe('REQUIRES_REVIEW');
    expect(v.sessions.identity).toMatchObject({ overall: 'APPROVED', final: true });
    expect(statusCalls(identity.scanRef)).toBe(1);
  });

  it('keeps the data of an interim (final:false) result when /status supplies the lost final one', async () => {
    const clientId = 'abandon-lost-final';
    const { verificationId, identity } = await startVerification(system, {
      clientId,
      method: 'ADDITIONAL_STEP',
    });
    const interim = await postWebhook(
      system,
      {
        scanRef: identity.scanRef,
        externalRef: verificationId,
        clientId,
        final: false,
        status: { overall: 'APPROVED', additionalSteps: 'VALID' },
        data: { docFirstName: 'JOHN', docLastName: 'SAMPLE', docType: 'PASSPORT' },
        additionalSteps: { RESIDENCE_PERMIT: 'UPLOAD' },
      },
      { eventType: 'IDENTIFICATION_AUTO_FINISHED' },
    );
    expect(interim.status).toBe(200);
    await simComplete(system, identity.scanRef, { deliver: false });
    await sweepAt(afterDeadline());
    const v = await get(verificationId);
    expect(v).toMatchObject({ status: 'REQUIRES_REVIEW', reasons: ['ADDITIONAL_DOCUMENT_NEEDS_REVIEW'] });
    expect(v.sessions.identity).toMatchObject({ overall: 'APPROVED', final: true, docType: 'PASSPORT' });
  });

  it('waits for a manual review iDenfy reports as running, then expires without asking again', async () => {
    const { verificationId, identity } = await startVerification(system, { clientId: 'abandon-reviewing' });
    const session = system.simulator?.sessions.get(identity.scanRef);
    if (session) session.state = 'REVIEWING';
    const deadline = afterDeadline();
    await sweepAt(deadline);
    expect((await get(verificationId)).status).toBe('PENDING');
    await sweepAt(new Date(deadline.getTime() + 12 * 3600_000));
    expect((await get(verificationId)).status).toBe('PENDING');
    await sweepAt(new Date(deadline.getTime() + 25 * 3600_000));
    expect(await get(verificationId)).toMatchObject({
      status: 'EXPIRED',
      reasons: ['IDENTITY_SESSION_EXPIRED'],
    });
    expect(statusCalls(identity.scanRef)).toBe(1);
  });

  it.each([
    ['IDENTIFICATION_EXPIRED', 'EXPIRED'],
    ['IDENTIFICATION_CANCELLED', 'CANCELLED'],
  ])('iDenfy’s %s webhook leads to the same EXPIRED', async (eventType, overall) => {
    const clientId = `webhook-${overall}`;
    const { verificationId, identity } = await startVerification(system, { clientId });
    const res = await postWebhook(
      system,
      {
        scanRef: identity.scanRef,
        externalRef: verificationId,
        clientId,
        final: null,
        status: { overall },
        data: null,
      },
      { eventType },
    );
    expect(res.status).toBe(200);
    const [event] = await waitForEvents(system, verificationId);
    expect(event?.detail).toMatchObject({ status: 'EXPIRED', reasons: ['IDENTITY_SESSION_EXPIRED'] });
  });
});

describe('erasure', () => {
  const person = { firstName: 'Ērika', lastName: 'Šimkutė', dateOfBirth: '1979-12-24' };

  async function verified(clientId: string, documentData: Record<string, unknown> = {}) {
    const { verificationId, identity } = await startVerification(system, { clientId, ...person });
    await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, identity.successUrl, clientId, verificationId);
    await simComplete(system, document?.scanRef as string, { data: documentData });
    await waitForStatus(verificationId, 'VERIFIED');
    return { verificationId, identity, document: document as { scanRef: string } };
  }

  it('erases our copy at once, leaves a tombstone, deletes iDenfy’s sessions, refuses late webhooks', async () => {
    const { verificationId, identity } = await verified('erase-verified');
    const before = JSON.stringify(await partition(verificationId));
    expect(before).toContain('ŠIMKUTĖ');

    const res = await erase(verificationId);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      verificationId,
      status: 'VERIFIED',
      erasure: {
        pending: false,
        nextAttemptAt: null,
        erased: ['claimedData', 'documentData', 'matchReport', 'reviewNotes'],
      },
    });
    const idenfy = (res.body as { erasure: { idenfy: { state: string }[] } }).erasure.idenfy;
    expect(idenfy.map((s) => s.state)).toEqual(['DELETED', 'DELETED']);
    expect(system.simulator?.sessions.get(identity.scanRef)?.state).toBe('DELETED');

    const after = JSON.stringify(await partition(verificationId));
    for (const pii of ['Ērika', 'ĒRIKA', 'ERIKA', 'Šimkutė', 'ŠIMKUTĖ', 'SIMKUTE', '1979-12-24']) {
      expect(after).not.toContain(pii);
    }
    const v = await get(verificationId);
    expect(v).toMatchObject({ status: 'VERIFIED', erased: true, report: null });
    expect(v.audit.map((a: { action: string }) => a.action)).toEqual(['ERASURE_REQUESTED']);

    // iDenfy retries an old webhook: ignored, nothing stored again.
    const late = await http(
      'POST',
      `${system.simulator?.url}/simulator/sessions/${identity.scanRef}/deliver`,
    );
    expect(late.status).toBe(200);
    expect(JSON.stringify(await partition(verificationId))).not.toContain('1979-12-24');

    const again = await erase(verificationId);
    expect(again.status).toBe(202);
    expect((await get(verificationId)).audit).toHaveLength(1);
    // Every item keeps its retention TTL (personal data expires even without a request).
    const items = await partition(verificationId);
    for (const item of items) expect(item.ttl).toEqual(expect.any(Number));
    const main = items.find((i) => i.sk === 'VERIFICATION');
    expect(main?.ttl).toBe(Math.floor(Date.parse(v.createdAt) / 1000) + RETENTION_DAYS * 86_400);
  });

  it('keeps asking iDenfy while it refuses (token not expired yet), through the sweep', async () => {
    const { verificationId } = await verified('erase-retry');
    system.simulator?.injectFault({
      path: '/api/v2/delete',
      status: 400,
      identifier: 'PARTNER_ERROR',
      times: 2,
    });
    const res = await erase(verificationId);
    const erasure = (
      res.body as {
        erasure: { pending: boolean; nextAttemptAt: string; idenfy: { state: string; lastError?: string }[] };
      }
    ).erasure;
    expect(erasure.pending).toBe(true);
    expect(erasure.idenfy.every((s) => s.state === 'PENDING' && s.lastError === 'TOKEN_NOT_EXPIRED')).toBe(
      true,
    );
    // The personal data is gone already; only iDenfy's copy waits.
    expect((await get(verificationId)).report).toBeNull();

    await sweepAt(new Date(erasure.nextAttemptAt));
    const v = await get(verificationId);
    expect(v.erasure).toMatchObject({ pending: false, nextAttemptAt: null });
    expect(v.erasure.idenfy.map((s: { state: string; attempts: number }) => [s.state, s.attempts])).toEqual([
      ['DELETED', 2],
      ['DELETED', 2],
    ]);
  });

  it('redacts a reviewer’s note; refuses a PENDING verification and an unknown one', async () => {
    const { verificationId } = await additionalStep('erase-reviewed', {});
    await review(verificationId, {
      decision: 'REJECT',
      reviewer: 'carol',
      note: 'Permit photo shows Ērika Šimkutė',
    });
    await erase(verificationId);
    const v = await get(verificationId);
    expect(
      v.audit.map((a: { action: string; reviewer?: string; note: unknown }) => [
        a.action,
        a.reviewer,
        a.note,
      ]),
    ).toEqual([
      ['REVIEWED', 'carol', null],
      ['ERASURE_REQUESTED', undefined, undefined],
    ]);
    expect(JSON.stringify(await partition(verificationId))).not.toContain('Šimkutė');

    const { verificationId: unreviewed } = await additionalStep('erase-unreviewed', {});
    expect((await erase(unreviewed)).status).toBe(202);
    const late = await review(unreviewed, { decision: 'APPROVE', reviewer: 'dave' });
    expect(late.status).toBe(409);
    expect((late.body as { error: { message: string } }).error.message).toMatch(/^erased/);

    const { verificationId: pendingId } = await startVerification(system, { clientId: 'erase-pending' });
    const pending = await erase(pendingId);
    expect(pending.status).toBe(409);
    expect((pending.body as { error: { message: string } }).error.message).toContain('PENDING');
    expect((await get(pendingId)).erased).toBe(false);
    expect((await erase('no-such-verification')).status).toBe(404);
  });
});

describe('expiring permits', () => {
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

  async function verifiedWithPermitUntil(clientId: string, docExpiry: string) {
    const { verificationId, identity } = await startVerification(system, { clientId });
    await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, identity.successUrl, clientId, verificationId);
    await simComplete(system, document?.scanRef as string, { data: { docExpiry } });
    await waitForStatus(verificationId, 'VERIFIED');
    await waitForEvents(system, verificationId);
    return verificationId;
  }

  const expiring = (id: string) =>
    eventsFor(system, id).filter((e) => e['detail-type'] === 'Verification Document Expiring');

  it('announces a permit expiring within the notice period once', async () => {
    const expiry = inDays(20);
    const id = await verifiedWithPermitUntil('permit-soon', expiry);
    await sweepAt(new Date());
    await sweepAt(new Date(Date.now() + 86_400_000));
    await waitFor(() => expiring(id).length > 0 || undefined, 'the expiring event');
    expect(expiring(id)).toHaveLength(1);
    expect(expiring(id)[0]?.detail).toMatchObject({
      verificationId: id,
      status: 'VERIFIED',
      documentType: 'RESIDENCE_PERMIT',
      documentExpiresOn: expiry,
      noticeDays: 30,
    });
  });

  it('waits until the notice period starts', async () => {
    const expiry = inDays(400);
    const id = await verifiedWithPermitUntil('permit-later', expiry);
    await sweepAt(new Date());
    expect(expiring(id)).toHaveLength(0);
    await sweepAt(new Date(Date.parse(`${expiry}T00:00:00Z`) - 29 * 86_400_000));
    await waitFor(() => expiring(id).length > 0 || undefined, 'the expiring event');
    expect(expiring(id)[0]?.detail.daysLeft).toBe(29);
  });
});

describe('cancel', () => {
  const cancel = (id: string) =>
    call('POST', '/verifications/{verificationId}/cancel', `/verifications/${id}/cancel`);

  it('ends a PENDING verification as EXPIRED (CANCELLED), publishes it once, frees the client at once', async () => {
    const clientId = 'cancel-pending';
    const { verificationId } = await startVerification(system, { clientId });
    const cancelled = await cancel(verificationId);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'EXPIRED', reasons: ['CANCELLED'] });
    const [event] = await waitForEvents(system, verificationId);
    expect(event?.detail).toMatchObject({
      status: 'EXPIRED',
      previousStatus: 'PENDING',
      reasons: ['CANCELLED'],
    });

    const again = await cancel(verificationId);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'INVALID_STATE' } });
    expect((await cancel('no-such-verification')).status).toBe(404);
    const fresh = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect(fresh.status).toBe(201);
    expect(fresh.body.verificationId).not.toBe(verificationId);
    expect(eventsFor(system, verificationId)).toHaveLength(1);
  });

  it('cancel against the decision at the same moment: one of them, one event', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 4; round++) {
      const clientId = `cancel-race-${round}`;
      const { verificationId, identity } = await startVerification(system, { clientId });
      await simComplete(system, identity.scanRef, {});
      const { document } = await continueToDocument(system, identity.successUrl, clientId, verificationId);
      // The cancel a little later each round, so that both orders happen.
      const [cancelled] = await Promise.all([
        sleep([0, 150, 400, 900][round] ?? 0).then(() =>
          http('POST', `${system.apiUrl}/verifications/${verificationId}/cancel`),
        ),
        simComplete(system, document?.scanRef as string, {}),
      ]);
      const [event] = await waitForEvents(system, verificationId);
      // Give a losing comparator run its chance to publish a second event, then count.
      await sweepAt(new Date(Date.now() + 10 * 60_000));
      expect(eventsFor(system, verificationId)).toHaveLength(1);
      const status = (await get(verificationId)).status;
      expect(status).toBe(event?.detail.status);
      expect(cancelled.status).toBe(status === 'EXPIRED' ? 200 : 409);
      outcomes.push(status);
    }
    console.info(`cancel vs decision: ${outcomes.join(' ')}`);
  });
});

describe('a provider result that contradicts the decision', () => {
  it('DENIED after VERIFIED: the status stays, one Provider Result Changed event, the GET shows it', async () => {
    const clientId = 'provider-changed';
    const { verificationId, identity } = await startVerification(system, { clientId });
    await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, identity.successUrl, clientId, verificationId);
    await simComplete(system, document?.scanRef as string, {});
    await waitForStatus(verificationId, 'VERIFIED');
    await waitForEvents(system, verificationId);

    // iDenfy's manual review denies the identity session afterwards (and tells us twice).
    const denied = {
      scanRef: identity.scanRef,
      externalRef: verificationId,
      final: true,
      status: { overall: 'DENIED', fraudTags: [], mismatchTags: [] },
      data: { docFirstName: 'JOHN', docLastName: 'SAMPLE' },
    };
    expect((await postWebhook(system, denied, { eventType: 'IDENTIFICATION_MANUAL_FINISHED' })).status).toBe(
      200,
    );
    const changed = () =>
      eventsFor(system, verificationId).filter(
        (e) => e['detail-type'] === 'Verification Provider Result Changed',
      );
    await waitFor(() => changed().length > 0 || undefined, 'the provider-result-changed event');
    await postWebhook(system, denied, { eventType: 'IDENTIFICATION_MANUAL_FINISHED' });
    await sweepAt(new Date(Date.now() + 10 * 60_000));
    expect(changed()).toHaveLength(1);
    expect(changed()[0]?.detail).toMatchObject({
      status: 'VERIFIED',
      previousStatus: 'VERIFIED',
      session: 'IDENTITY',
      overall: 'DENIED',
      previousOverall: 'APPROVED',
    });
    const view = await get(verificationId);
    expect(view.status).toBe('VERIFIED');
    expect(view.providerResultChanged).toEqual([
      expect.objectContaining({ role: 'IDENTITY', previousOverall: 'APPROVED', overall: 'DENIED' }),
    ]);

    // And back again (iDenfy corrects itself): told once more, the status still unmoved.
    await postWebhook(system, {
      ...denied,
      status: { overall: 'APPROVED', fraudTags: [], mismatchTags: [] },
    });
    await waitFor(() => changed().length > 1 || undefined, 'the second change');
    expect(changed()[1]?.detail).toMatchObject({ overall: 'APPROVED', previousOverall: 'DENIED' });
    expect((await get(verificationId)).status).toBe('VERIFIED');
  });

  it('a session that had no result when it was decided (abandoned, expired) contradicts nothing', async () => {
    const clientId = 'provider-late-after-expiry';
    const { verificationId, identity } = await startVerification(system, { clientId });
    await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, identity.successUrl, clientId, verificationId);
    await sweepAt(new Date(Date.now() + 3 * 86_400_000));
    expect((await get(verificationId)).status).toBe('EXPIRED');
    await waitForEvents(system, verificationId);
    // The person finishes the document step after all: recorded, but it contradicts nothing.
    const late = await postWebhook(system, {
      scanRef: document?.scanRef,
      externalRef: verificationId,
      final: true,
      status: { overall: 'APPROVED', fraudTags: [], mismatchTags: [] },
      data: { docFirstName: 'JOHN', docLastName: 'SAMPLE' },
    });
    expect(late.body).toMatchObject({ status: 'recorded' });
    // Run the comparator on it here and now (not "wait and see nothing happened").
    const work = {
      messageId: 'late',
      receiptHandle: 'late',
      body: JSON.stringify({ verificationId }),
      attributes: { ApproximateReceiveCount: '1', MessageGroupId: verificationId },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:work.fifo',
      awsRegion: 'us-east-1',
    };
    expect(await system.handlers.comparator?.({ Records: [work] })).toEqual({ batchItemFailures: [] });
    expect(eventsFor(system, verificationId).map((e) => e['detail-type'])).toEqual([
      'Verification Finalized',
    ]);
    expect((await get(verificationId)).providerResultChanged).toEqual([]);
  });
});

describe('webhook routing', () => {
  it('finds the session by scanRef when externalRef is missing, and ignores a scanRef under another verification', async () => {
    const a = await startVerification(system, { clientId: 'route-a', method: 'ADDITIONAL_STEP' });
    const b = await startVerification(system, { clientId: 'route-b', method: 'ADDITIONAL_STEP' });
    const body = (scanRef: string, externalRef: string | null) => ({
      scanRef,
      externalRef,
      final: true,
      status: { overall: 'APPROVED', additionalSteps: 'VALID' },
      additionalSteps: { RESIDENCE_PERMIT: 'UPLOAD' },
      data: { docFirstName: 'JOHN', docLastName: 'SAMPLE', docType: 'PASSPORT' },
    });
    const crossed = await postWebhook(system, body(a.identity.scanRef, b.verificationId));
    expect(crossed.body).toEqual({ status: 'ignored' });
    const unnamed = await postWebhook(system, body(a.identity.scanRef, null));
    expect(unnamed.body).toMatchObject({ status: 'recorded', verificationId: a.verificationId });
    expect(await waitForStatus(a.verificationId, 'REQUIRES_REVIEW')).toMatchObject({
      reasons: ['ADDITIONAL_DOCUMENT_NEEDS_REVIEW'],
    });
    expect((await get(b.verificationId)).sessions.identity.final).toBe(false);
  });
});

describe('contracts', () => {
  it('every event published in this file conforms to its JSON Schema', () => {
    expect(system.events.length).toBeGreaterThan(15);
    const types = new Set(system.events.map((e) => e['detail-type']));
    expect([...types].sort()).toEqual([
      'Verification Document Expiring',
      'Verification Finalized',
      'Verification Provider Result Changed',
      'Verification Reviewed',
    ]);
    for (const e of system.events)
      expect({ [e.detail.eventId as string]: eventProblems(e) }).toEqual({
        [e.detail.eventId as string]: [],
      });
  });
});
