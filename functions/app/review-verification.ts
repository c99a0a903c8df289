/** Use case: a person decides a verification that needs review (docs/architecture.md §2–§3). Audited, published once. */
import { OUTBOX_RETRY_MS, type ReviewDecision, reviewTransition } from '../domain/lifecycle';
import type { ReasonCode } from '../domain/types';
import { changed, Failure, invalidState, notFound } from './errors';
import { reviewedEvent } from './events/builders';
import { getVerificationView } from './get-verification';
import type { AuditEntry, FirstApproval, Verification } from './model';
import { type OutboxDeps, outboxClaim, publishOutbox } from './outbox';
import type { OutboxStore, ReviewStore, VerificationReads } from './ports/repository';
import { VersionConflict } from './store-errors';

export interface ReviewRequest {
  decision: ReviewDecision;
  /** A display name; the audit's `by` is `principal`, who the API authenticated. */
  reviewer: string;
  note?: string;
  principal: string | null;
}

export type ReviewDeps = OutboxDeps & {
  repo: VerificationReads & ReviewStore & OutboxStore;
  retentionDays: number;
  /** Reasons whose approval needs a second, different reviewer (`secondApprovalReasons`; none by default). */
  secondApprovalReasons?: readonly ReasonCode[];
};

/**
 * Who approved, for telling two approvals apart: the authenticated principal; locally, where nothing
 * authenticates, the display name (trimmed, NFC, case folded: `Alice` and ` alice` are one person).
 */
const approver = (a: { by: string | null; reviewer: string }) =>
  a.by ?? `name:${a.reviewer.trim().normalize('NFC').toLocaleLowerCase('en')}`;

const notReviewable = (status: string) =>
  invalidState(`status is ${status}: only REQUIRES_REVIEW can be reviewed`);

export async function reviewVerification(verificationId: string, req: ReviewRequest, deps: ReviewDeps) {
  const snapshot = await deps.repo.snapshot(verificationId);
  if (!snapshot) throw notFound('verification');
  const { verification: v, results } = snapshot;
  if (v.erasure) throw invalidState('erased: an erased verification cannot be reviewed');
  const to = reviewTransition(v.status, req.decision, v.reasons);
  if (!to) throw notReviewable(v.status);

  const at = deps.now().toISOString();
  const risky = v.reasons.some((r) => deps.secondApprovalReasons?.includes(r));
  if (req.decision === 'APPROVE' && risky) {
    if (!v.firstApproval) return recordFirstApproval(v, req, at, deps);
    if (approver(v.firstApproval) === approver({ by: req.principal, reviewer: req.reviewer })) {
      throw new Failure(
        'SAME_REVIEWER',
        `reviewer: ${v.firstApproval.reviewer} approved it already (${v.firstApproval.at}); a second, different reviewer decides`,
      );
    }
  }
  const outbox = reviewedEvent(v, results, to, { decision: req.decision, reviewedAt: at });
  const audit: AuditEntry = {
    at,
    action: 'REVIEWED',
    by: req.principal,
    reviewer: req.reviewer,
    from: { status: v.status, reasons: v.reasons },
    to,
    note: req.note ?? null,
  };
  const write = {
    ...to,
    updatedAt: at,
    outbox,
    sweepAt: new Date(Date.parse(at) + OUTBOX_RETRY_MS).toISOString(),
    claim: outboxClaim(deps),
  };
  try {
    await deps.repo.saveReview(verificationId, v.version, write, audit, deps.retentionDays);
  } catch (err) {
    if (!(err instanceof VersionConflict)) throw err;
    // A concurrent review won (say what it is now), or something else changed meanwhile (a late
    // result from iDenfy, an erasure): the reviewer should look again before deciding.
    const now = await deps.repo.get(verificationId);
    if (now?.status === 'REQUIRES_REVIEW' && !now.erasure) {
      throw changed(
        'the verification changed meanwhile (a late result from iDenfy, say): read it again, then decide',
      );
    }
    if (now?.erasure) throw invalidState('erased: an erased verification cannot be reviewed');
    throw notReviewable(now?.status ?? v.status);
  }
  // What the transaction wrote, without reading it back; the review stands even if the publish fails
  // now: the sweep retries the outbox.
  const saved: Verification = { ...v, ...to, updatedAt: at, outbox, version: outbox.version };
  await publishOutbox(saved, deps, true).catch(() => false);
  return getVerificationView(verificationId, deps.repo);
}

/** The first of two approvals: recorded and audited; the status stays REQUIRES_REVIEW, nothing is published. */
async function recordFirstApproval(v: Verification, req: ReviewRequest, at: string, deps: ReviewDeps) {
  const approval: FirstApproval = { by: req.principal, reviewer: req.reviewer, at };
  const audit: AuditEntry = {
    at,
    action: 'APPROVAL_RECORDED',
    by: req.principal,
    reviewer: req.reviewer,
    from: { status: v.status, reasons: v.reasons },
    note: req.note ?? null,
  };
  try {
    await deps.repo.saveFirstApproval(v.verificationId, v.version, approval, audit, deps.retentionDays);
  } catch (err) {
    if (!(err instanceof VersionConflict)) throw err;
    const now = await deps.repo.get(v.verificationId);
    if (now?.erasure) throw invalidState('erased: an erased verification cannot be reviewed');
    if (now?.status !== 'REQUIRES_REVIEW') throw notReviewable(now?.status ?? v.status);
    // Another reviewer approved (or something else changed) meanwhile: look again, then decide.
    throw changed(
      'the verification changed meanwhile (another approval, a late result): read it again, then decide',
    );
  }
  return getVerificationView(v.verificationId, deps.repo);
}
