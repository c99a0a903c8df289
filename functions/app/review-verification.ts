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
  const audit = auditLine(v, req, at, 'REVIEWED', to);
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
    throw await whyRefused(err, v, deps);
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
  const audit = auditLine(v, req, at, 'APPROVAL_RECORDED');
  try {
    await deps.repo.saveFirstApproval(v.verificationId, v.version, approval, audit, deps.retentionDays);
  } catch (err) {
    throw await whyRefused(err, v, deps);
  }
  return getVerificationView(v.verificationId, deps.repo);
}

/** The audit line of a review or of a first approval (which has no `to`: the status stays). */
function auditLine(
  v: Verification,
  req: ReviewRequest,
  at: string,
  action: 'REVIEWED' | 'APPROVAL_RECORDED',
  to?: AuditEntry['to'],
): AuditEntry {
  return {
    at,
    action,
    by: req.principal,
    reviewer: req.reviewer,
    from: { status: v.status, reasons: v.reasons },
    ...(to ? { to } : {}),
    note: req.note ?? null,
  };
}

/**
 * What to tell a reviewer whose write lost (VersionConflict): erased, no longer reviewable (another
 * review won), or changed meanwhile (another approval, a late result from iDenfy): read it again,
 * then decide. Anything else is rethrown as it is.
 */
async function whyRefused(err: unknown, v: Verification, deps: Pick<ReviewDeps, 'repo'>): Promise<unknown> {
  if (!(err instanceof VersionConflict)) return err;
  const now = await deps.repo.get(v.verificationId);
  if (now?.erasure) return invalidState('erased: an erased verification cannot be reviewed');
  if (now?.status !== 'REQUIRES_REVIEW') return notReviewable(now?.status ?? v.status);
  return changed(
    'the verification changed meanwhile (another approval, a late result from iDenfy): read it again, then decide',
  );
}
