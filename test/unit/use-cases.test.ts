/**
 * The use cases on in-memory adapters (tools/in-memory.ts): every branch in milliseconds, races
 * as exact interleavings (another request run between a read and a write), effects counted.
 */
import { cancelVerification } from '../../functions/app/cancel-verification';
import { continueVerification } from '../../functions/app/continue-verification';
import { eraseVerification } from '../../functions/app/erase-verification';
import { Failure, IdenfyError } from '../../functions/app/errors';
import { finaliseVerification } from '../../functions/app/finalise-verification';
import type { Verification } from '../../functions/app/model';
import { recordWebhook } from '../../functions/app/record-webhook';
import { reviewVerification } from '../../functions/app/review-verification';
import { startVerification } from '../../functions/app/start-verification';
import { OutboxBusy } from '../../functions/app/store-errors';
import { sweepOne } from '../../functions/app/sweep';
import { DEFAULT_POLICY } from '../../functions/domain/policy';
import { resolvePlans } from '../../functions/shared/plans-config';
import { signBody } from '../../functions/shared/signature';
import { FakeClock, FakeIdenfy, FakePublisher, FakeQueue, InMemoryRepository } from '../../tools/in-memory';

const T0 = Date.parse('2026-06-01T12:00:00Z');
const KEY = 'continue-link-key-of-at-least-32-chars';
const SIGNING = 'webhook-signing-key';
const HASH_KEY = 'document-hash-key-of-32-characters!!';
const PLANS = resolvePlans(
  undefined,
  {
    identityDocumentTypes: ['PASSPORT', 'ID_CARD'],
    allowedDocumentTypes: ['RESIDENCE_PERMIT'],
    documentSessionFaceCheck: false,
  },
  'two-documents',
);

function world(stepMs = 0) {
  const repo = new InMemoryRepository();
  const idenfy = new FakeIdenfy();
  const publisher = new FakePublisher();
  const queue = new FakeQueue();
  const clock = new FakeClock(T0, stepMs);
  let ids = 0;
  const common = { repo, now: clock.now, retentionDays: 90 };
  const finalise = { ...common, publisher, policy: DEFAULT_POLICY, runId: 'run-1', noticeDays: 30 };
  return {
    repo,
    idenfy,
    publisher,
    queue,
    clock,
    finaliseDeps: finalise,
    start: (clientId: string) =>
      startVerification({ clientId, method: 'TWO_SESSIONS' }, 'https://api.test', {
        ...common,
        idenfy,
        continueLinkKey: KEY,
        newId: () => `id-${++ids}`,
        defaults: {
          successUrl: 'https://app.test/ok',
          errorUrl: 'https://app.test/error',
          unverifiedUrl: 'https://app.test/unverified',
        },
        plans: PLANS,
        defaultPlan: 'two-documents',
        tokenExpirySeconds: 3600,
        documentSessionMode: 'just-in-time',
      }),
    follow: (link: string) => {
      const u = new URL(link);
      const id = decodeURIComponent(u.pathname.split('/')[2] ?? '');
      return continueVerification(
        id,
        u.searchParams.get('t') ?? undefined,
        u.searchParams.get('outcome') ?? undefined,
        'https://api.test',
        { ...common, idenfy, continueLinkKey: KEY, tokenExpirySeconds: 3600, newId: () => `claim-${++ids}` },
      );
    },
    webhook: (
      scanRef: string,
      verificationId: string,
      overall = 'APPROVED',
      data: Record<string, unknown> = {},
      final = true,
    ) => {
      const body = JSON.stringify({
        scanRef,
        externalRef: verificationId,
        clientId: 'c1',
        final,
        status: { overall, fraudTags: overall === 'SUSPECTED' ? ['DEV_TOOLS_OPENED'] : [], mismatchTags: [] },
        data: {
          docFirstName: 'EVA',
          docLastName: 'LUND',
          docDob: '1990-01-01',
          docExpiry: '2030-01-01',
          docType: scanRef.endsWith('-doc') || scanRef === 'scan-2' ? 'RESIDENCE_PERMIT' : 'PASSPORT',
          docNumber: `${scanRef}-number`,
          ...data,
        },
      });
      return recordWebhook(Buffer.from(body), signBody(body, SIGNING), 'IDENTIFICATION_AUTO_FINISHED', {
        ...common,
        queue,
        signingKey: SIGNING,
        documentHashKey: HASH_KEY,
      });
    },
    finalise: (id: string, runId = 'run-1') => finaliseVerification(id, { ...finalise, runId }),
    review: (id: string, note: string) =>
      reviewVerification(
        id,
        { decision: 'APPROVE', reviewer: 'alice', note, principal: 'arn:aws:iam::1:role/reviewer' },
        { ...finalise },
      ),
    erase: (id: string) => eraseVerification(id, 'client', { ...common, idenfy }),
    cancel: (id: string) => cancelVerification(id, finalise),
    sweep: (id: string) => sweepOne(id, { ...finalise, idenfy }),
  };
}

/** Start, the identity step, continue: both sessions exist, no result recorded. */
async function bothSessions(w: ReturnType<typeof world>, clientId = 'c1') {
  const { verification } = await w.start(clientId);
  const v = (await w.repo.get(verification.verificationId)) as Verification;
  const link = v.identity.redirectUrl && (await linkOf(w, v.verificationId));
  await w.follow(link);
  return (await w.repo.get(v.verificationId)) as Verification;
}

/** The success continue link iDenfy was given for the identity session. */
async function linkOf(w: ReturnType<typeof world>, id: string, outcome = 'success') {
  const request = w.idenfy.tokens.find((t) => t.externalRef === id && t.successUrl.includes('/continue'));
  const url =
    outcome === 'success'
      ? request?.successUrl
      : outcome === 'error'
        ? request?.errorUrl
        : request?.unverifiedUrl;
  if (!url) throw new Error('no continue link');
  return url;
}

/** Both results recorded and decided: VERIFIED unless data says otherwise. */
async function decided(w: ReturnType<typeof world>, documentOverall = 'APPROVED') {
  const v = await bothSessions(w);
  await w.webhook(v.identity.scanRef, v.verificationId);
  await w.webhook(v.document?.scanRef ?? '', v.verificationId, documentOverall);
  expect(await w.finalise(v.verificationId)).toBe('decided');
  return (await w.repo.get(v.verificationId)) as Verification;
}

describe('start: claim before you call', () => {
  it('ten starts at once for one client: one token, one verification, every caller told it', async () => {
    const w = world();
    w.idenfy.delayMs = 30;
    const answers = await Promise.all(Array.from({ length: 10 }, () => w.start('c1')));
    expect(w.idenfy.tokens).toHaveLength(1);
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.verification.verificationId)).size).toBe(1);
  });

  it('an iDenfy failure gives the claim up: nothing stored, the next start mints at once', async () => {
    const w = world();
    w.idenfy.failures.push(new IdenfyError('PROVIDER_REFUSED', 'BAD_VALUE', 'refused'));
    await expect(w.start('c1')).rejects.toMatchObject({ kind: 'PROVIDER_REFUSED' });
    expect(await w.repo.pendingForClient('c1')).toBeUndefined();
    expect((await w.start('c1')).created).toBe(true);
    expect(w.idenfy.tokens).toHaveLength(1);
  });

  it('a crashed caller’s claim blocks others until its lease lapses, then is taken over', async () => {
    const w = world(1_000); // every clock read moves a second: the 5 s wait ends quickly
    await w.repo.claimStart('c1', { id: 'dead', until: T0 + 30_000 }, undefined, new Date(T0));
    await expect(w.start('c1')).rejects.toMatchObject({ kind: 'BUSY', extra: { retryAfterSeconds: 1 } });
    expect(w.idenfy.tokens).toHaveLength(0);
    w.clock.advance(30_000);
    expect((await w.start('c1')).created).toBe(true);
  });

  it('a verification no longer pending frees the slot; a pending one is handed back', async () => {
    const w = world();
    const first = await w.start('c1');
    expect((await w.start('c1')).verification.verificationId).toBe(first.verification.verificationId);
    await w.cancel(first.verification.verificationId);
    const second = await w.start('c1');
    expect(second.created).toBe(true);
    expect(second.verification.verificationId).not.toBe(first.verification.verificationId);
    expect(w.idenfy.tokens).toHaveLength(2);
  });
});

describe('resume: a repeated start sends the person back to where they left off', () => {
  it('the identity link while unfinished; then the continue link; then the document session; no new token', async () => {
    const w = world();
    const first = await w.start('c1');
    expect((await w.start('c1')).redirectUrl).toBe(first.verification.identity.redirectUrl);

    // The identity step is done (its webhook came): its link is used up; the continue link takes over.
    await w.webhook(first.verification.identity.scanRef, first.verification.verificationId);
    const resumed = await w.start('c1');
    expect([resumed.created, resumed.verification.verificationId]).toEqual([
      false,
      first.verification.verificationId,
    ]);
    expect(resumed.redirectUrl).toBe(await linkOf(w, first.verification.verificationId));
    const documentUrl = await w.follow(resumed.redirectUrl as string);
    expect(documentUrl).toMatch(/authToken=token-2/);

    // The document session exists: a repeated start goes straight to it, however often.
    expect((await w.start('c1')).redirectUrl).toBe(documentUrl);
    expect((await w.start('c1')).redirectUrl).toBe(documentUrl);
    expect(w.idenfy.tokens.map((t) => t.tokenType)).toEqual(['IDENTIFICATION', 'DOCUMENT']);
  });

  it('nothing left to resume (the identity token expired unused): a new verification', async () => {
    const w = world();
    const first = await w.start('c1');
    w.clock.advance(3601_000);
    const second = await w.start('c1');
    expect(second.created).toBe(true);
    expect(second.verification.verificationId).not.toBe(first.verification.verificationId);
  });
});

describe('continue: one document session, signed outcomes', () => {
  it('the link followed ten times at once: one document token, one session for all', async () => {
    const w = world();
    const { verification } = await w.start('c1');
    w.idenfy.delayMs = 30;
    const link = await linkOf(w, verification.verificationId);
    const locations = await Promise.all(Array.from({ length: 10 }, () => w.follow(link)));
    expect(w.idenfy.tokens.map((t) => t.tokenType)).toEqual(['IDENTIFICATION', 'DOCUMENT']);
    expect(new Set(locations).size).toBe(1);
  });

  it('the error link goes to the error URL and mints nothing; edited to success it is refused', async () => {
    const w = world();
    const { verification } = await w.start('c1');
    const error = await linkOf(w, verification.verificationId, 'error');
    expect(await w.follow(error)).toBe('https://app.test/error');
    await expect(w.follow(error.replace('outcome=error', 'outcome=success'))).rejects.toMatchObject({
      kind: 'INVALID_LINK',
    });
    expect(w.idenfy.tokens).toHaveLength(1);
  });

  it('a failed document token gives the claim up; the next follow mints', async () => {
    const w = world();
    const { verification } = await w.start('c1');
    const link = await linkOf(w, verification.verificationId);
    w.idenfy.failures.push(new IdenfyError('PROVIDER_UNAVAILABLE', 'TOO_MANY_REQUESTS', 'slow down', 7));
    await expect(w.follow(link)).rejects.toMatchObject({ kind: 'PROVIDER_UNAVAILABLE' });
    expect(await w.follow(link)).toMatch(/authToken=token-2/);
  });

  it('a cancelled verification never gets a document session', async () => {
    const w = world();
    const { verification } = await w.start('c1');
    await w.cancel(verification.verificationId);
    expect(await w.follow(await linkOf(w, verification.verificationId))).toBe('https://app.test/unverified');
    expect(w.idenfy.tokens).toHaveLength(1);
  });
});

describe('finalise: version checks and the outbox', () => {
  it('another run decides between our read and our write: ours reads again and publishes nothing twice', async () => {
    const w = world();
    const v = await bothSessions(w);
    await w.webhook(v.identity.scanRef, v.verificationId);
    await w.webhook(v.document?.scanRef ?? '', v.verificationId);
    w.repo.pause('saveDecision:before', async () => {
      expect(await w.finalise(v.verificationId, 'run-2')).toBe('decided');
    });
    expect(await w.finalise(v.verificationId)).toBe('already-final');
    expect(w.publisher.published.map((e) => e.eventId)).toEqual([`${v.verificationId}#1`]);
  });

  it('a publish whose outcome is unknown is left in the outbox without failing the run; the next publishes it, once', async () => {
    const w = world();
    const v = await bothSessions(w);
    await w.webhook(v.identity.scanRef, v.verificationId);
    await w.webhook(v.document?.scanRef ?? '', v.verificationId);
    w.publisher.failNext = 1;
    const deferred: string[] = [];
    expect(
      await finaliseVerification(v.verificationId, {
        repo: w.repo,
        publisher: w.publisher,
        policy: DEFAULT_POLICY,
        now: w.clock.now,
        runId: 'run-1',
        noticeDays: 30,
        retentionDays: 90,
        onPublishDeferred: (eventId) => deferred.push(eventId),
      }),
    ).toBe('decided');
    expect(deferred).toEqual([`${v.verificationId}#1`]);
    expect(w.publisher.published).toHaveLength(0);
    expect((await w.repo.get(v.verificationId))?.status).toBe('VERIFIED');
    expect(await w.finalise(v.verificationId)).toBe('republished');
    expect(await w.finalise(v.verificationId)).toBe('already-final');
    expect(w.publisher.published).toHaveLength(1);
  });

  it('another run holds the publish claim: busy (the message is retried), nothing published twice', async () => {
    const w = world();
    const v = await bothSessions(w);
    await w.webhook(v.identity.scanRef, v.verificationId);
    await w.webhook(v.document?.scanRef ?? '', v.verificationId);
    w.publisher.failNext = 1;
    expect(await w.finalise(v.verificationId, 'run-1')).toBe('decided');
    // run-1's claim was released on failure; another run claims and dies before publishing.
    expect(await w.repo.claimOutbox(v.verificationId, 1, 'run-3', new Date(T0), 60_000)).toBe(true);
    await expect(w.finalise(v.verificationId, 'run-2')).rejects.toBeInstanceOf(OutboxBusy);
    w.clock.advance(61_000);
    expect(await w.finalise(v.verificationId, 'run-2')).toBe('republished');
    expect(w.publisher.published).toHaveLength(1);
  });

  it('an event the bus refused is tried again within the run (it was not published); past three tries, left to the sweep', async () => {
    const w = world();
    const v = await bothSessions(w);
    await w.webhook(v.identity.scanRef, v.verificationId);
    await w.webhook(v.document?.scanRef ?? '', v.verificationId);
    w.publisher.refuseNext = 2;
    expect(await w.finalise(v.verificationId)).toBe('decided');
    expect(w.publisher.published.map((e) => e.eventId)).toEqual([`${v.verificationId}#1`]);
    const other = await bothSessions(w, 'c2');
    await w.webhook(other.identity.scanRef, other.verificationId);
    await w.webhook(other.document?.scanRef ?? '', other.verificationId);
    w.publisher.refuseNext = 3;
    expect(await w.finalise(other.verificationId)).toBe('decided');
    expect(w.publisher.published).toHaveLength(1);
    expect(await w.finalise(other.verificationId)).toBe('republished');
    expect(w.publisher.published).toHaveLength(2);
  });

  it('waits for both final results; a denial decides at once', async () => {
    const w = world();
    const v = await bothSessions(w);
    await w.webhook(v.identity.scanRef, v.verificationId);
    expect(await w.finalise(v.verificationId)).toBe('waiting');
    await w.webhook(v.document?.scanRef ?? '', v.verificationId, 'DENIED');
    expect(await w.finalise(v.verificationId)).toBe('decided');
    expect((await w.repo.get(v.verificationId))?.reasons).toEqual(['DOCUMENT_SESSION_DENIED']);
  });

  it('a contradicting final result is told once per change and never moves the status', async () => {
    const w = world();
    const v = await decided(w);
    await w.webhook(v.identity.scanRef, v.verificationId, 'DENIED');
    expect(await w.finalise(v.verificationId)).toBe('provider-result-changed');
    expect(await w.finalise(v.verificationId)).toBe('already-final');
    const after = await w.repo.get(v.verificationId);
    expect([
      after?.status,
      after?.providerResultChanged?.map((c) => `${c.previousOverall}→${c.overall}`),
    ]).toEqual(['VERIFIED', ['APPROVED→DENIED']]);
    expect(w.publisher.published.map((e) => e.detailType)).toEqual([
      'Verification Finalized',
      'Verification Provider Result Changed',
    ]);
  });
});

describe('erasure wins every interleaving', () => {
  it('a review lands between the erasure’s read and its write: the erasure reads again, the note goes', async () => {
    const w = world();
    const v = await decided(w, 'SUSPECTED');
    w.repo.pause('erase:after-read', async () => {
      await w.review(v.verificationId, 'EVA LUND, passport 123 seen in person');
    });
    await w.erase(v.verificationId);
    const text = w.repo.textOf(v.verificationId);
    expect(text).not.toMatch(/EVA|LUND|passport 123/);
    const after = await w.repo.snapshot(v.verificationId);
    // The review did happen (so the erasure's first write was refused and it read again).
    expect([after?.verification.status, after?.audit.map((a) => [a.action, a.note ?? null])]).toEqual([
      'VERIFIED',
      [
        ['REVIEWED', null],
        ['ERASURE_REQUESTED', null],
      ],
    ]);
  });

  it('an erasure lands before a review’s write: the review is refused', async () => {
    const w = world();
    const v = await decided(w, 'SUSPECTED');
    w.repo.pause('saveReview:before', async () => {
      await w.erase(v.verificationId);
    });
    await expect(w.review(v.verificationId, 'EVA LUND')).rejects.toMatchObject({ kind: 'INVALID_STATE' });
    expect(w.repo.textOf(v.verificationId)).not.toMatch(/EVA|LUND/);
  });

  it('a late webhook after the erasure is refused by the tombstone', async () => {
    const w = world();
    const v = await decided(w);
    await w.erase(v.verificationId);
    const late = await w.webhook(v.identity.scanRef, v.verificationId, 'DENIED', { docFirstName: 'MARKER' });
    expect(late).toEqual({ status: 'ignored' });
    expect(w.repo.textOf(v.verificationId)).not.toContain('MARKER');
  });

  it('a PENDING verification cannot be erased; an unknown one is not found', async () => {
    const w = world();
    const { verification } = await w.start('c1');
    await expect(w.erase(verification.verificationId)).rejects.toMatchObject({ kind: 'INVALID_STATE' });
    await expect(w.erase('nope')).rejects.toBeInstanceOf(Failure);
  });
});

describe('cancel', () => {
  it('a decision between the cancel’s read and its write wins whole: the cancel is refused, one event', async () => {
    const w = world();
    const v = await bothSessions(w);
    await w.webhook(v.identity.scanRef, v.verificationId);
    await w.webhook(v.document?.scanRef ?? '', v.verificationId);
    w.repo.pause('saveDecision:before', async () => {
      w.repo.pause('saveDecision:before', async () => {}); // the nested decision's own write goes through
      expect(await w.finalise(v.verificationId, 'run-2')).toBe('decided');
    });
    await expect(w.cancel(v.verificationId)).rejects.toMatchObject({ kind: 'INVALID_STATE' });
    expect(w.publisher.published.map((e) => e.detail.status)).toEqual(['VERIFIED']);
  });
});

describe('trust: a denial closes doors, documents stay bound, claims stay whose they are', () => {
  it('an automatic (non-final) denial: resume hands out nothing, the success link creates nothing', async () => {
    const w = world();
    const { verification: v } = await w.start('c1');
    await w.webhook(v.identity.scanRef, v.verificationId, 'DENIED', {}, false);
    expect(await w.finalise(v.verificationId)).toBe('waiting');
    const again = await w.start('c1');
    expect([again.created, again.redirectUrl]).toEqual([false, null]);
    expect(await w.follow(await linkOf(w, v.verificationId))).toBe('https://app.test/error');
    expect(w.idenfy.tokens.map((t) => t.tokenType)).toEqual(['IDENTIFICATION']);
    // iDenfy's manual review approves it after all: the door opens again.
    await w.webhook(v.identity.scanRef, v.verificationId, 'APPROVED');
    expect((await w.start('c1')).redirectUrl).toBe(await linkOf(w, v.verificationId));
  });

  it('a denial recorded between the continue link’s read and its claim still wins: no token', async () => {
    const w = world();
    const { verification: v } = await w.start('c1');
    // The claim's own condition checks the identity slot, so the read before it can be stale.
    const claim = w.repo.claimDocumentSession.bind(w.repo);
    w.repo.claimDocumentSession = async (...a) => {
      await w.webhook(v.identity.scanRef, v.verificationId, 'DENIED', {}, false);
      return claim(...a);
    };
    await expect(w.follow(await linkOf(w, v.verificationId))).resolves.toBe('https://app.test/error');
    expect(w.idenfy.tokens).toHaveLength(1);
  });

  it('back through the error link: the identity link is used up, resume hands out nothing', async () => {
    const w = world();
    const { verification: v } = await w.start('c1');
    expect(await w.follow(await linkOf(w, v.verificationId, 'error'))).toBe('https://app.test/error');
    expect((await w.start('c1')).redirectUrl).toBeNull();
  });

  it('the document session’s result came: resume sends the person to the success URL, not the used-up session', async () => {
    const w = world();
    const v = await bothSessions(w);
    await w.webhook(v.document?.scanRef ?? '', v.verificationId, 'APPROVED', {}, false);
    expect((await w.start('c1')).redirectUrl).toBe('https://app.test/ok');
    await w.webhook(v.document?.scanRef ?? '', v.verificationId, 'DENIED', {}, false);
    expect((await w.start('c1')).redirectUrl).toBeNull();
  });

  it('a repeated start that claims someone else: CLAIM_DIFFERS naming the fields; leaving a field out claims nothing', async () => {
    const w = world();
    const base = { clientId: 'c1', firstName: 'Eva', lastName: 'Lund' };
    const start = (body: Record<string, unknown>) =>
      startVerification(body as never, 'https://api.test', {
        repo: w.repo,
        idenfy: w.idenfy,
        now: w.clock.now,
        newId: () => `id-${Math.random()}`,
        continueLinkKey: KEY,
        retentionDays: 90,
        defaults: {
          successUrl: 'https://app.test/ok',
          errorUrl: 'https://app.test/error',
          unverifiedUrl: 'https://app.test/unverified',
        },
        plans: PLANS,
        defaultPlan: 'two-documents',
        tokenExpirySeconds: 3600,
        documentSessionMode: 'just-in-time',
      });
    await start(base);
    await expect(start({ ...base, lastName: 'Berg', documentTypes: ['WORK_PERMIT'] })).rejects.toMatchObject({
      kind: 'CLAIM_DIFFERS',
      message: expect.stringMatching(/^lastName, documentTypes: /),
    });
    await expect(start({ ...base, method: 'ADDITIONAL_STEP' })).rejects.toMatchObject({
      kind: 'CLAIM_DIFFERS',
    });
    expect((await start({ clientId: 'c1' })).created).toBe(false);
    expect((await start({ ...base, method: 'TWO_SESSIONS' })).created).toBe(false);
    expect(w.idenfy.tokens).toHaveLength(1);
  });

  it('a webhook that comes before its session is stored is answered 503 (iDenfy retries), never ignored', async () => {
    const w = world();
    // iDenfy answers the token and sends the sandbox result at once; our create has not run yet.
    await w.repo.claimStart('c1', { id: 'in-flight', until: T0 + 30_000 }, undefined, new Date(T0));
    await expect(w.webhook('scan-early', 'id-early')).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
      extra: { retryAfterSeconds: 1 },
    });
    // Nobody is storing anything for it: a session this deployment never created is ignored.
    w.clock.advance(60_000);
    expect(await w.webhook('scan-early', 'id-early')).toEqual({ status: 'ignored' });
  });

  it('the store lands between the webhook’s refused write and its look: recorded, not ignored', async () => {
    const w = world();
    const recordResult = w.repo.recordResult.bind(w.repo);
    let calls = 0;
    w.repo.recordResult = async (...args) => {
      const answer = await recordResult(...args);
      // Our write found no slot; before we look, the start stores the verification and frees its claim.
      calls += 1;
      if (calls === 1) await w.start('c1');
      return answer;
    };
    // The ids the start below will be given: its claim is id-1, the verification id-2, iDenfy's scan-1.
    const answer = await w.webhook('scan-1', 'id-2');
    expect(answer).toMatchObject({ status: 'recorded', verificationId: 'id-2' });
    expect(calls).toBe(2);
    expect((await w.repo.results('id-2')).map((r) => [r.scanRef, r.overall])).toEqual([
      ['scan-1', 'APPROVED'],
    ]);
    expect(w.queue.sent).toHaveLength(1);
  });

  it('a sandbox outcome is asked for only on a stack configured for the sandbox (403 otherwise)', async () => {
    const w = world();
    const deps = (sandboxAllowed: boolean) => ({
      repo: w.repo,
      idenfy: w.idenfy,
      now: w.clock.now,
      newId: () => `id-${Math.random()}`,
      continueLinkKey: KEY,
      retentionDays: 90,
      defaults: {
        successUrl: 'https://app.test/ok',
        errorUrl: 'https://app.test/error',
        unverifiedUrl: 'https://app.test/unverified',
      },
      plans: PLANS,
      defaultPlan: 'two-documents',
      tokenExpirySeconds: 3600,
      documentSessionMode: 'just-in-time' as const,
      sandboxAllowed,
    });
    const body = { clientId: 'c1', sandbox: { identity: 'APPROVED' as const, document: 'DENIED' as const } };
    await expect(startVerification(body, 'https://api.test', deps(false))).rejects.toMatchObject({
      kind: 'NOT_ALLOWED',
      message: expect.stringMatching(/^sandbox: /),
    });
    expect(w.idenfy.tokens).toHaveLength(0);
    const { verification } = await startVerification(body, 'https://api.test', deps(true));
    expect(w.idenfy.tokens[0]).toMatchObject({ tokenType: 'IDENTIFICATION', dummyStatus: 'APPROVED' });
    // The document session, created just in time, carries the document's outcome.
    await w.webhook(verification.identity.scanRef, verification.verificationId);
    await w.follow(await linkOf(w, verification.verificationId));
    expect(w.idenfy.tokens[1]).toMatchObject({ tokenType: 'DOCUMENT', dummyStatus: 'DENIED' });
  });

  it('a denied document is bound: another client showing it goes to a person; the denial names the reuse', async () => {
    const w = world();
    const card = { docNumber: 'SHARED-1', docIssuingCountry: 'LT' };
    const a = await bothSessions(w, 'client-a');
    await w.webhook(a.identity.scanRef, a.verificationId, 'APPROVED');
    const permit = { ...card, docType: 'RESIDENCE_PERMIT' };
    await w.webhook(a.document?.scanRef ?? '', a.verificationId, 'DENIED', permit);
    await w.finalise(a.verificationId);
    expect((await w.repo.get(a.verificationId))?.reasons).toEqual(['DOCUMENT_SESSION_DENIED']);
    const b = await bothSessions(w, 'client-b');
    await w.webhook(b.identity.scanRef, b.verificationId);
    await w.webhook(b.document?.scanRef ?? '', b.verificationId, 'APPROVED', {
      ...permit,
      docIssuingCountry: 'LTU',
    });
    await w.finalise(b.verificationId);
    expect(await w.repo.get(b.verificationId)).toMatchObject({
      status: 'REQUIRES_REVIEW',
      reasons: ['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT'],
    });
    // The other way round: a denial of a document another client already holds says so.
    const c = await bothSessions(w, 'client-c');
    await w.webhook(c.identity.scanRef, c.verificationId, 'DENIED', card);
    await w.finalise(c.verificationId);
    expect(await w.repo.get(c.verificationId)).toMatchObject({
      status: 'REJECTED',
      reasons: ['IDENTITY_SESSION_DENIED', 'DOCUMENT_SEEN_FOR_ANOTHER_CLIENT'],
    });
  });

  it('a result that arrives after the decision is bound too (once)', async () => {
    const w = world();
    const v = await bothSessions(w);
    await w.webhook(v.identity.scanRef, v.verificationId, 'DENIED');
    await w.finalise(v.verificationId);
    await w.webhook(v.document?.scanRef ?? '', v.verificationId, 'APPROVED', { docNumber: 'LATE-1' });
    expect(await w.finalise(v.verificationId)).toBe('already-final');
    const bound = (await w.repo.snapshot(v.verificationId))?.boundDocuments ?? [];
    expect(bound).toHaveLength(2);
    expect(await w.finalise(v.verificationId)).toBe('already-final');
    expect((await w.repo.snapshot(v.verificationId))?.boundDocuments).toEqual(bound);
  });

  it('a review that raced a late result: VERIFICATION_CHANGED (retry after reading), never a contradiction', async () => {
    const w = world();
    const v = await decided(w, 'SUSPECTED');
    w.repo.pause('saveReview:before', async () => {
      await w.webhook(v.identity.scanRef, v.verificationId, 'DENIED');
      expect(await w.finalise(v.verificationId, 'run-2')).toBe('provider-result-changed');
    });
    await expect(w.review(v.verificationId, 'ok')).rejects.toMatchObject({
      kind: 'CHANGED',
      extra: { retryAfterSeconds: 1 },
    });
    expect((await w.review(v.verificationId, 'ok')).status).toBe('VERIFIED');
  });
});

describe('a second approval for risky reasons (secondApprovalReasons)', () => {
  const approve = (w: ReturnType<typeof world>, id: string, reviewer: string, principal: string | null) =>
    reviewVerification(
      id,
      { decision: 'APPROVE', reviewer, note: `approved by ${reviewer}`, principal },
      { ...w.finaliseDeps, secondApprovalReasons: ['DOCUMENT_SESSION_SUSPECTED'] },
    );

  it('the first approval waits (audited, nothing published); the same principal is refused; another decides', async () => {
    const w = world();
    const v = await decided(w, 'SUSPECTED');
    const published = w.publisher.published.length;
    const first = await approve(w, v.verificationId, 'Alice', 'arn:aws:iam::1:role/alice');
    expect(first).toMatchObject({
      status: 'REQUIRES_REVIEW',
      awaitingSecondApproval: true,
      firstApproval: { by: 'arn:aws:iam::1:role/alice', reviewer: 'Alice' },
    });
    expect(first.audit.map((a) => a.action)).toEqual(['APPROVAL_RECORDED']);
    expect(w.publisher.published).toHaveLength(published);
    // Another display name does not make another person: the principal decides.
    await expect(approve(w, v.verificationId, 'Bob', 'arn:aws:iam::1:role/alice')).rejects.toMatchObject({
      kind: 'SAME_REVIEWER',
    });
    const second = await approve(w, v.verificationId, 'Bob', 'arn:aws:iam::1:role/bob');
    expect(second).toMatchObject({ status: 'VERIFIED', awaitingSecondApproval: false });
    expect(second.audit.map((a) => a.action)).toEqual(['APPROVAL_RECORDED', 'REVIEWED']);
    expect(w.publisher.published.slice(published).map((e) => e.detailType)).toEqual([
      'Verification Reviewed',
    ]);
  });

  it('locally (no principal) the display name stands for the person, whatever its case and spacing', async () => {
    const w = world();
    const v = await decided(w, 'SUSPECTED');
    await approve(w, v.verificationId, 'Alice', null);
    await expect(approve(w, v.verificationId, ' alice ', null)).rejects.toMatchObject({
      kind: 'SAME_REVIEWER',
    });
    expect((await approve(w, v.verificationId, 'Bob', null)).status).toBe('VERIFIED');
  });

  it('a reject decides at once; a reason outside the set needs one approval', async () => {
    const w = world();
    const risky = await decided(w, 'SUSPECTED');
    const rejected = await reviewVerification(
      risky.verificationId,
      { decision: 'REJECT', reviewer: 'Alice', principal: null },
      { ...w.finaliseDeps, secondApprovalReasons: ['DOCUMENT_SESSION_SUSPECTED'] },
    );
    expect(rejected.status).toBe('REJECTED');
    const other = world();
    const plain = await decided(other, 'SUSPECTED');
    const once = await reviewVerification(
      plain.verificationId,
      { decision: 'APPROVE', reviewer: 'Alice', principal: null },
      { ...other.finaliseDeps, secondApprovalReasons: ['NAME_SCRIPT_MIXED'] },
    );
    expect(once.status).toBe('VERIFIED');
  });

  it('two first approvals at once: one is recorded, the other is told to read again; nothing published', async () => {
    const w = world();
    const v = await decided(w, 'SUSPECTED');
    const published = w.publisher.published.length;
    const outcomes = await Promise.allSettled([
      approve(w, v.verificationId, 'Alice', 'arn:alice'),
      approve(w, v.verificationId, 'Bob', 'arn:bob'),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ kind: 'CHANGED' });
    expect((await w.repo.snapshot(v.verificationId))?.audit.map((a) => a.action)).toEqual([
      'APPROVAL_RECORDED',
    ]);
    expect(w.publisher.published).toHaveLength(published);
  });
});

describe('sweep', () => {
  it('abandonment: asks iDenfy once per silent session, then expires with the step named', async () => {
    const w = world();
    const v = await bothSessions(w);
    await w.webhook(v.identity.scanRef, v.verificationId);
    w.clock.advance(3 * 3600_000);
    expect(await w.sweep(v.verificationId)).toBe('expired');
    expect((await w.repo.get(v.verificationId))?.reasons).toEqual(['DOCUMENT_SESSION_EXPIRED']);
    expect(w.idenfy.statusCalls).toEqual([v.document?.scanRef]);
    expect(await w.sweep(v.verificationId)).not.toBe('expired');
    expect(w.idenfy.statusCalls).toHaveLength(1);
  });
});
