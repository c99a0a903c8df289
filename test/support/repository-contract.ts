/**
 * One specification of the repository port (functions/app/model.ts), run against the in-memory fake
 * (test/unit/repository-contract.test.ts) and the DynamoDB adapter on the emulator
 * (test/integration/repository-contract.test.ts): what every condition guards, what each read returns,
 * paging, erasure. A fake that drifts from the real adapter fails here, not in a use case's test.
 */
import { randomUUID } from 'node:crypto';
import { finalizedEvent } from '../../functions/app/events/builders';
import type {
  DecisionWrite,
  Erasure,
  NewResult,
  OutboxEvent,
  SessionRef,
  Verification,
} from '../../functions/app/model';
import type { VerificationRepository } from '../../functions/app/ports/repository';
import { StartConflict, VersionConflict } from '../../functions/app/store-errors';

const T0 = Date.parse('2030-03-01T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const iso = (ms: number) => at(ms).toISOString();

function session(scanRef: string): SessionRef {
  return {
    scanRef,
    authToken: `token-${scanRef}`,
    redirectUrl: `https://idenfy.test/redirect?authToken=token-${scanRef}`,
    createdAt: iso(0),
  };
}

/** A fresh PENDING verification of a fresh client, never seen by the store. */
export function newVerification(overrides: Partial<Verification> = {}): Verification {
  const id = randomUUID();
  return {
    verificationId: id,
    clientId: `contract-${id.slice(0, 8)}`,
    method: 'TWO_SESSIONS',
    status: 'PENDING',
    reasons: [],
    claimed: { firstName: 'Eva' },
    documentTypes: ['RESIDENCE_PERMIT'],
    finalUrls: {
      successUrl: 'https://app.test/ok',
      errorUrl: 'https://app.test/e',
      unverifiedUrl: 'https://app.test/u',
    },
    identity: session(`id-${id}`),
    version: 0,
    createdAt: iso(0),
    updatedAt: iso(0),
    expiresAt: iso(3_600_000),
    ...overrides,
  };
}

export function result(
  scanRef: string,
  overall = 'APPROVED',
  final = true,
  digest = `d-${overall}-${final}`,
): NewResult {
  return {
    scanRef,
    overall,
    final,
    eventType: null,
    document: { firstName: 'EVA', documentType: 'PASSPORT' },
    fraudTags: [],
    mismatchTags: [],
    digest,
    receivedAt: iso(1000),
  };
}

function outbox(v: Verification): OutboxEvent {
  return finalizedEvent(v, [], { status: 'VERIFIED', reasons: [], checks: {} }, iso(5000), 'contract');
}

function decision(
  v: Verification,
  status: DecisionWrite['status'] = 'VERIFIED',
  decidedAt = iso(5000),
): DecisionWrite {
  return {
    status,
    reasons: status === 'REQUIRES_REVIEW' ? ['FIELD_MISSING'] : [],
    report: { policyVersion: 'contract', pairs: {} },
    checks: {},
    decidedAt,
    outbox: outbox(v),
    decidedOn: { [v.identity.scanRef]: 'APPROVED' },
    expectedDocumentScanRef: v.document?.scanRef ?? null,
    sweepAt: iso(305_000),
    claim: { runId: 'run-a', until: T0 + 60_000 },
  };
}

/** Creates `v` as a start does: claim the client's slot, then create under the claim. */
export async function created(repo: VerificationRepository, v: Verification, sweepAt = iso(7_500_000)) {
  const claim = { id: `claim-${v.verificationId}`, until: T0 + 30_000 };
  if (!(await repo.claimStart(v.clientId, claim, undefined, at(0)))) throw new Error('claim refused');
  await repo.create(v, claim.id, 90, sweepAt);
  return v;
}

/** A verification with both sessions created, decided as `status`, its event published. */
async function decided(
  repo: VerificationRepository,
  status: DecisionWrite['status'] = 'VERIFIED',
  decidedAt = iso(5000),
) {
  const v = await created(repo, newVerification());
  const claimId = `doc-${v.verificationId}`;
  await repo.claimDocumentSession(
    v.verificationId,
    v.identity.scanRef,
    { id: claimId, until: T0 + 30_000 },
    at(1),
  );
  const document = await repo.attachDocumentSession(
    v.verificationId,
    session(`doc-${v.verificationId}`),
    claimId,
    90,
    iso(7_500_000),
  );
  const withDoc = { ...v, document };
  const saved = await repo.saveDecision(v.verificationId, 0, decision(withDoc, status, decidedAt));
  await repo.markPublished(v.verificationId, saved.version, null);
  return (await repo.get(v.verificationId)) as Verification;
}

export function repositoryContract(name: string, repository: () => VerificationRepository) {
  describe(`the repository contract: ${name}`, () => {
    let repo: VerificationRepository;
    beforeEach(() => {
      repo = repository();
    });

    describe('starts', () => {
      it('one claim of an empty slot wins; a slot claimed meanwhile is not taken', async () => {
        const v = newVerification();
        const a = { id: 'a', until: T0 + 30_000 };
        expect(await repo.claimStart(v.clientId, a, undefined, at(0))).toBe(true);
        expect(await repo.claimStart(v.clientId, { id: 'b', until: T0 + 30_000 }, undefined, at(0))).toBe(
          false,
        );
        // A claim read before it lapsed is taken over only once it has.
        expect(
          await repo.claimStart(v.clientId, { id: 'c', until: T0 + 60_000 }, { claim: a }, at(10_000)),
        ).toBe(false);
        expect(
          await repo.claimStart(v.clientId, { id: 'c', until: T0 + 60_000 }, { claim: a }, at(31_000)),
        ).toBe(true);
        expect(await repo.pendingForClient(v.clientId)).toEqual({ claim: { id: 'c', until: T0 + 60_000 } });
      });

      it('the same claim written again (a retry of a write whose answer was lost) is taken, not lost', async () => {
        const v = newVerification();
        const claim = { id: 'mine', until: T0 + 30_000 };
        expect(await repo.claimStart(v.clientId, claim, undefined, at(0))).toBe(true);
        expect(await repo.claimStart(v.clientId, claim, undefined, at(0))).toBe(true);
      });

      it('create only under the claim; then the slot points at it and get returns it, sweepAt included', async () => {
        const v = newVerification();
        await repo.claimStart(v.clientId, { id: 'mine', until: T0 + 30_000 }, undefined, at(0));
        await expect(repo.create(v, 'not-mine', 90, iso(1))).rejects.toBeInstanceOf(StartConflict);
        await repo.create(v, 'mine', 90, iso(7_500_000));
        expect(await repo.pendingForClient(v.clientId)).toEqual({ verificationId: v.verificationId });
        expect(await repo.get(v.verificationId)).toEqual({ ...v, sweepAt: iso(7_500_000) });
        expect(await repo.findSession(v.identity.scanRef)).toEqual({
          verificationId: v.verificationId,
          role: 'IDENTITY',
        });
      });

      it('a minted verification is kept under its claim (stash), and only under it', async () => {
        const v = newVerification();
        await repo.claimStart(v.clientId, { id: 'mine', until: T0 + 30_000 }, undefined, at(0));
        expect(await repo.stashStart(v.clientId, 'not-mine', v)).toBe(false);
        expect(await repo.stashStart(v.clientId, 'mine', v)).toBe(true);
        expect(await repo.pendingForClient(v.clientId)).toEqual({
          claim: { id: 'mine', until: T0 + 30_000, minted: v },
        });
        await repo.releaseStart(v.clientId, 'mine');
        expect(await repo.pendingForClient(v.clientId)).toBeUndefined();
      });
    });

    describe('sessions and results', () => {
      it('the document claim: once; refused after a denial of the identity step; attach returns the winner', async () => {
        const v = await created(repo, newVerification());
        const claim = { id: 'doc-a', until: T0 + 30_000 };
        expect(await repo.claimDocumentSession(v.verificationId, v.identity.scanRef, claim, at(1))).toBe(
          true,
        );
        expect(
          await repo.claimDocumentSession(
            v.verificationId,
            v.identity.scanRef,
            { id: 'doc-b', until: T0 + 30_000 },
            at(2),
          ),
        ).toBe(false);
        const first = await repo.attachDocumentSession(
          v.verificationId,
          session('doc-1'),
          'doc-a',
          90,
          iso(7_600_000),
        );
        expect(first.scanRef).toBe('doc-1');
        // Another call that lost: the stored one comes back.
        expect(
          (await repo.attachDocumentSession(v.verificationId, session('doc-2'), 'doc-a', 90, iso(1))).scanRef,
        ).toBe('doc-1');
        expect((await repo.get(v.verificationId))?.identityReturn).toBe('success');

        const denied = await created(repo, newVerification());
        await repo.recordResult(denied.verificationId, result(denied.identity.scanRef, 'DENIED', false), 90);
        expect(
          await repo.claimDocumentSession(denied.verificationId, denied.identity.scanRef, claim, at(1)),
        ).toBe(false);
      });

      it('a minted document session is kept under its claim and seen by the next read', async () => {
        const v = await created(repo, newVerification());
        await repo.claimDocumentSession(
          v.verificationId,
          v.identity.scanRef,
          { id: 'doc-a', until: T0 + 30_000 },
          at(1),
        );
        expect(await repo.stashDocumentSession(v.verificationId, 'doc-b', session('doc-x'))).toBe(false);
        expect(await repo.stashDocumentSession(v.verificationId, 'doc-a', session('doc-x'))).toBe(true);
        expect((await repo.snapshot(v.verificationId))?.documentClaim).toEqual({
          id: 'doc-a',
          until: T0 + 30_000,
          minted: session('doc-x'),
        });
      });

      it('results are monotonic: recorded, duplicate, superseded; unknown for a session not of this verification', async () => {
        const v = await created(repo, newVerification());
        const final = result(v.identity.scanRef);
        expect(await repo.recordResult(v.verificationId, final, 90)).toEqual({
          outcome: 'recorded',
          resultVersion: 1,
        });
        expect((await repo.recordResult(v.verificationId, final, 90)).outcome).toBe('duplicate');
        expect(
          (await repo.recordResult(v.verificationId, result(v.identity.scanRef, 'DENIED', false), 90))
            .outcome,
        ).toBe('superseded');
        expect((await repo.recordResult(v.verificationId, result('not-ours'), 90)).outcome).toBe('unknown');
        expect((await repo.results(v.verificationId)).map((r) => [r.role, r.overall, r.final])).toEqual([
          ['IDENTITY', 'APPROVED', true],
        ]);
      });
    });

    describe('decisions, bindings and the outbox', () => {
      it('a decision is written against the version read, once', async () => {
        const v = await created(repo, newVerification());
        const saved = await repo.saveDecision(v.verificationId, 0, decision(v));
        expect([saved.status, saved.version, saved.decidedAt, saved.sweepAt]).toEqual([
          'VERIFIED',
          1,
          iso(5000),
          iso(305_000),
        ]);
        await expect(repo.saveDecision(v.verificationId, 0, decision(v))).rejects.toBeInstanceOf(
          VersionConflict,
        );
      });

      it('documents bound by one client are seen by another, under their digest or the older form of it', async () => {
        const a = await created(repo, newVerification());
        const b = await created(repo, newVerification());
        const retention = { from: iso(0), days: 90 };
        expect(
          await repo.bindDocuments(a.verificationId, a.clientId, [{ digest: 'dig-1' }], retention),
        ).toEqual({ otherClient: false });
        expect(
          await repo.bindDocuments(
            b.verificationId,
            b.clientId,
            [{ digest: 'dig-2', legacyDigest: 'dig-1' }],
            retention,
          ),
        ).toEqual({
          otherClient: true,
        });
        expect((await repo.snapshot(b.verificationId))?.boundDocuments).toEqual(['dig-2']);
        // The same client again is no finding.
        expect(
          await repo.bindDocuments(a.verificationId, a.clientId, [{ digest: 'dig-1' }], retention),
        ).toEqual({ otherClient: false });
      });

      it('the outbox: one run claims it, its own run may again, another waits out the lease; published once', async () => {
        const v = await created(repo, newVerification());
        const saved = await repo.saveDecision(v.verificationId, 0, decision(v));
        expect(await repo.claimOutbox(v.verificationId, 1, 'run-a', at(1000), 60_000)).toBe(true);
        expect(await repo.claimOutbox(v.verificationId, 1, 'run-b', at(2000), 60_000)).toBe(false);
        expect(await repo.claimOutbox(v.verificationId, 1, 'run-b', at(70_000), 60_000)).toBe(true);
        await repo.markPublished(v.verificationId, saved.version, null);
        expect((await repo.get(v.verificationId))?.publishedVersion).toBe(1);
        expect((await repo.get(v.verificationId))?.sweepAt).toBeUndefined();
        expect(await repo.claimOutbox(v.verificationId, 1, 'run-c', at(200_000), 60_000)).toBe(false);
      });
    });

    describe('the sweep index', () => {
      it('due items come back once due, oldest first; reschedule is compare-and-set', async () => {
        const early = await created(repo, newVerification(), iso(-2_000_000_000));
        const later = await created(repo, newVerification(), iso(-1_000_000_000));
        const ids = async () =>
          (await repo.dueForSweep(at(0), 100)).items.filter((id) =>
            [early, later].some((v) => v.verificationId === id),
          );
        expect(await ids()).toEqual([early.verificationId, later.verificationId]);
        // Someone else moved it meanwhile: our reschedule from the old value changes nothing.
        await repo.reschedule(later.verificationId, iso(-1_000_000_000), iso(9_000_000_000));
        await repo.reschedule(later.verificationId, iso(-1_000_000_000), null);
        expect((await repo.get(later.verificationId))?.sweepAt).toBe(iso(9_000_000_000));
        expect(await ids()).toEqual([early.verificationId]);
        await repo.reschedule(early.verificationId, iso(-2_000_000_000), null);
        expect(await ids()).toEqual([]);
      });
    });

    describe('reviews and lists', () => {
      it('the review queue holds REQUIRES_REVIEW verifications, oldest decision first; a review takes one out', async () => {
        const first = await decided(repo, 'REQUIRES_REVIEW', '2001-01-01T00:00:00.000Z');
        const second = await decided(repo, 'REQUIRES_REVIEW', '2001-01-01T00:00:01.000Z');
        const queued = async () => {
          const all: string[] = [];
          let after: Record<string, unknown> | undefined;
          do {
            const page = await repo.listForReview(1, after);
            all.push(...page.items.map((v) => v.verificationId));
            after = page.next;
          } while (after);
          return all.filter((id) => id === first.verificationId || id === second.verificationId);
        };
        expect(await queued()).toEqual([first.verificationId, second.verificationId]);
        const to = { status: 'VERIFIED' as const, reasons: ['MANUAL_REVIEW_APPROVED' as const] };
        const write = {
          ...to,
          updatedAt: iso(9000),
          outbox: outbox(first),
          sweepAt: iso(309_000),
          claim: { runId: 'r', until: T0 },
        };
        const audit = {
          at: iso(9000),
          action: 'REVIEWED' as const,
          by: null,
          reviewer: 'ann',
          to,
          note: 'ok',
        };
        await expect(repo.saveReview(first.verificationId, 0, write, audit, 90)).rejects.toBeInstanceOf(
          VersionConflict,
        );
        await repo.saveReview(first.verificationId, first.version, write, audit, 90);
        expect(await queued()).toEqual([second.verificationId]);
        expect(
          (await repo.snapshot(first.verificationId))?.audit.map((a) => [a.action, a.reviewer, a.note]),
        ).toEqual([['REVIEWED', 'ann', 'ok']]);
      });

      it('a first approval: once, version-checked, moves the version on (a review that read before conflicts)', async () => {
        const v = await decided(repo, 'REQUIRES_REVIEW');
        const approval = { by: 'arn:alice', reviewer: 'Alice', at: iso(9000) };
        const audit = {
          at: iso(9000),
          action: 'APPROVAL_RECORDED' as const,
          by: 'arn:alice',
          reviewer: 'Alice',
          note: 'ok',
        };
        await expect(
          repo.saveFirstApproval(v.verificationId, v.version - 1, approval, audit, 90),
        ).rejects.toBeInstanceOf(VersionConflict);
        await repo.saveFirstApproval(v.verificationId, v.version, approval, audit, 90);
        const after = (await repo.get(v.verificationId)) as Verification;
        expect(after).toMatchObject({
          firstApproval: approval,
          version: v.version + 1,
          status: 'REQUIRES_REVIEW',
        });
        // Never a second first approval, even at the current version.
        await expect(
          repo.saveFirstApproval(v.verificationId, after.version, { ...approval, by: 'arn:bob' }, audit, 90),
        ).rejects.toBeInstanceOf(VersionConflict);
        // A review that read the version before the approval conflicts.
        const to = { status: 'VERIFIED' as const, reasons: ['MANUAL_REVIEW_APPROVED' as const] };
        const write = {
          ...to,
          updatedAt: iso(9500),
          outbox: outbox(after),
          sweepAt: iso(309_000),
          claim: { runId: 'r', until: T0 },
        };
        await expect(
          repo.saveReview(
            v.verificationId,
            v.version,
            write,
            { ...audit, action: 'REVIEWED' as const, to },
            90,
          ),
        ).rejects.toBeInstanceOf(VersionConflict);
        expect((await repo.snapshot(v.verificationId))?.audit.map((a) => [a.action, a.reviewer])).toEqual([
          ['APPROVAL_RECORDED', 'Alice'],
        ]);
      });

      it("a client's list is newest first, page by page", async () => {
        const clientId = `contract-list-${randomUUID().slice(0, 8)}`;
        const ids: string[] = [];
        for (const n of [1, 2, 3]) {
          const v = newVerification({ clientId, createdAt: iso(n * 1000) });
          const claim = { id: `c${n}`, until: T0 + 30_000 };
          const slot = await repo.pendingForClient(clientId);
          await repo.claimStart(clientId, claim, slot, at(0));
          await repo.create(v, claim.id, 90, iso(7_500_000));
          ids.push(v.verificationId);
        }
        const first = await repo.listByClient(clientId, 2);
        expect(first.items.map((v) => v.verificationId)).toEqual([ids[2], ids[1]]);
        const second = await repo.listByClient(clientId, 2, first.next);
        expect(second.items.map((v) => v.verificationId)).toEqual([ids[0]]);
        expect(second.next).toBeUndefined();
      });
    });

    describe('erasure', () => {
      it('refused while PENDING; then the personal data goes, once; a late result finds a tombstone', async () => {
        const pending = await created(repo, newVerification());
        const erasure: Erasure = {
          requestedAt: iso(9000),
          requestedBy: null,
          erased: ['claimed'],
          idenfy: {},
          nextAttemptAt: null,
        };
        const audit = { at: iso(9000), action: 'ERASURE_REQUESTED' as const, by: null };
        expect(await repo.erase(pending.verificationId, erasure, audit, 90)).toBe('refused');

        const v = await decided(repo);
        await repo.recordResult(v.verificationId, result(v.identity.scanRef), 90);
        await repo.bindDocuments(v.verificationId, v.clientId, [{ digest: `erase-${v.verificationId}` }], {
          from: iso(0),
          days: 90,
        });
        const withSessions: Erasure = {
          ...erasure,
          idenfy: { [v.identity.scanRef]: { role: 'IDENTITY', state: 'PENDING', attempts: 0 } },
        };
        expect(await repo.erase(v.verificationId, withSessions, audit, 90)).toBe('erased');
        expect(await repo.erase(v.verificationId, withSessions, audit, 90)).toBe('refused');
        const after = await repo.snapshot(v.verificationId);
        expect(after?.verification.claimed).toBeUndefined();
        expect(after?.verification.erasure?.requestedAt).toBe(iso(9000));
        expect(after?.boundDocuments).toEqual([]);
        expect(
          (await repo.recordResult(v.verificationId, result(v.identity.scanRef, 'DENIED'), 90)).outcome,
        ).toBe('erased');
        // Its bindings are gone: another client showing the document sees nobody.
        const other = await created(repo, newVerification());
        expect(
          await repo.bindDocuments(
            other.verificationId,
            other.clientId,
            [{ digest: `erase-${v.verificationId}` }],
            { from: iso(0), days: 90 },
          ),
        ).toEqual({ otherClient: false });
      });
    });
  });
}
