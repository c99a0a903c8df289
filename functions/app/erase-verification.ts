/**
 * Use case: erase a verification's personal data (docs/architecture.md §2). Our copy goes at once, atomically, leaving a
 * tombstone (id, status, timestamps, audit); iDenfy's copy is deleted session by session, retried by the
 * sweep while iDenfy refuses (a token that has not expired yet cannot be deleted).
 */
import { nextErasureAttempt, sessionDeadline } from '../domain/lifecycle';
import { IdenfyError, invalidState, notFound } from './errors';
import { erasureView } from './get-verification';
import { type Erasure, sessionsOf, type Verification } from './model';
import type { ErasureStore, VerificationReads } from './ports/repository';
import type { IdenfyApi } from './ports/services';

export interface EraseDeps {
  repo: VerificationReads & ErasureStore;
  idenfy: Pick<IdenfyApi, 'deleteSession'>;
  now: () => Date;
  retentionDays: number;
}

/** What an erasure removes from our table (the names of the stored parts, for the answer). */
/** A review or a binding can land between the erasure's read and its write only so often in a row. */
const ERASE_ATTEMPTS = 5;

export const ERASED_PARTS = ['claimedData', 'documentData', 'matchReport', 'reviewNotes'];

export async function eraseVerification(verificationId: string, requestedBy: string | null, deps: EraseDeps) {
  let v = await deps.repo.get(verificationId);
  if (!v) throw notFound('verification');
  if (v.status === 'PENDING') {
    const end = sessionDeadline(v.expiresAt, v.document?.expiresAt).toISOString();
    throw invalidState(
      `status is PENDING: a verification can be erased once decided or expired (its sessions end by ${end})`,
    );
  }
  if (!v.erasure) {
    const at = deps.now().toISOString();
    const sessions = sessionsOf(v);
    const erasure: Erasure = {
      requestedAt: at,
      requestedBy,
      erased: ERASED_PARTS,
      idenfy: Object.fromEntries(
        sessions.map((s) => [s.scanRef, { role: s.role, state: 'PENDING', attempts: 0 }]),
      ),
      // Due at once: if this call dies before iDenfy is asked, the sweep asks.
      nextAttemptAt: at,
    };
    // `refused`: a concurrent erasure won; carry on with what it wrote. `changed`: a review or a
    // binding landed between the read and the write; read again (each retry sees the newer state).
    for (let attempt = 1; attempt <= ERASE_ATTEMPTS; attempt++) {
      const outcome = await deps.repo.erase(
        verificationId,
        erasure,
        { at, action: 'ERASURE_REQUESTED', by: requestedBy },
        deps.retentionDays,
      );
      if (outcome !== 'changed') break;
    }
    v = await deps.repo.get(verificationId);
    if (!v?.erasure) throw invalidState('the verification changed meanwhile; retry');
  }
  v = await deleteAtIdenfy(v, deps);
  return { verificationId: v.verificationId, status: v.status, erasure: erasureView(v) };
}

/** Asks iDenfy to delete each session still pending; records the outcome and when to ask again. */
export async function deleteAtIdenfy(v: Verification, deps: EraseDeps): Promise<Verification> {
  if (!v.erasure) return v;
  const now = deps.now();
  const erasure: Erasure = structuredClone(v.erasure);
  const pending = Object.entries(erasure.idenfy).filter(([, s]) => s.state === 'PENDING');
  if (pending.length === 0) return v;
  for (const [scanRef, s] of pending) {
    s.attempts += 1;
    try {
      const outcome = await deps.idenfy.deleteSession(scanRef);
      s.state = outcome === 'deleted' ? 'DELETED' : outcome === 'not-found' ? 'NOT_FOUND' : 'PENDING';
      if (outcome === 'not-yet') s.lastError = 'TOKEN_NOT_EXPIRED';
      else delete s.lastError;
    } catch (err) {
      const id = err instanceof IdenfyError ? err.identifier : '';
      s.lastError = /^[A-Z0-9_]{1,40}$/.test(id) ? id : 'IDENFY_ERROR';
    }
  }
  const stillPending = Object.values(erasure.idenfy).filter((s) => s.state === 'PENDING');
  const attempts = Math.max(0, ...stillPending.map((s) => s.attempts));
  erasure.nextAttemptAt = stillPending.length > 0 ? nextErasureAttempt(attempts, now).toISOString() : null;
  await deps.repo.saveErasureProgress(v.verificationId, erasure);
  return { ...v, erasure };
}
