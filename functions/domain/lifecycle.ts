/**
 * What happens to a verification after its first decision, and when: abandonment, manual review,
 * erasure retries, expiring permits. Pure functions of plain data and a clock (docs/architecture.md §3).
 */
import type { ReasonCode, SessionResult, Status } from './types';

/**
 * After a token's expiry a person who opened the flow just in time may still be inside it (iDenfy's
 * `sessionLength` is at most 3600 s), and iDenfy's webhook retries take a few minutes more.
 */
export const SESSION_GRACE_MS = 65 * 60_000;
/** When iDenfy's /status says a manual review is still running, look again after this long. */
export const REVIEWING_RECHECK_MS = 24 * 3600_000;
/** An event written to the outbox is retried by the sweep after this long if its publish did not finish. */
export const OUTBOX_RETRY_MS = 5 * 60_000;

/** The moment after which no webhook can be expected for the verification's sessions. */
export function sessionDeadline(identityExpiresAt: string, documentExpiresAt?: string): Date {
  const latest = Math.max(Date.parse(identityExpiresAt), Date.parse(documentExpiresAt ?? '') || 0);
  return new Date(latest + SESSION_GRACE_MS);
}

/** What iDenfy's /api/v2/status answer (docs/idenfy-api.md §7.1) means for a session we heard nothing from. */
export type Reconciliation = 'result' | 'reviewing' | 'abandoned';

export function reconcile(idenfyStatus: string | undefined): Reconciliation {
  if (idenfyStatus === 'APPROVED' || idenfyStatus === 'DENIED' || idenfyStatus === 'SUSPECTED')
    return 'result';
  if (idenfyStatus === 'REVIEWING') return 'reviewing';
  // ACTIVE (never finished), EXPIRED, EXPIRED-DELETED, DELETED, unknown, or iDenfy unreachable.
  return 'abandoned';
}

/** The reasons of an abandonment: the first session of the flow that has no final result. */
export function expiryReasons(
  method: 'TWO_SESSIONS' | 'ADDITIONAL_STEP',
  identity: SessionResult | undefined,
  document: SessionResult | undefined,
): ReasonCode[] {
  if (!identity?.final) return ['IDENTITY_SESSION_EXPIRED'];
  if (method === 'TWO_SESSIONS' && !document?.final) return ['DOCUMENT_SESSION_EXPIRED'];
  return [];
}

export const REVIEW_DECISIONS = ['APPROVE', 'REJECT'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Only REQUIRES_REVIEW moves again, and only by a person's review (docs/architecture.md §3). */
export function reviewTransition(
  current: Status,
  decision: ReviewDecision,
  currentReasons: ReasonCode[],
): { status: 'VERIFIED' | 'REJECTED'; reasons: ReasonCode[] } | undefined {
  if (current !== 'REQUIRES_REVIEW') return undefined;
  const head: ReasonCode = decision === 'APPROVE' ? 'MANUAL_REVIEW_APPROVED' : 'MANUAL_REVIEW_REJECTED';
  // The reasons that sent it to review stay, after the reviewer's verdict.
  return {
    status: decision === 'APPROVE' ? 'VERIFIED' : 'REJECTED',
    reasons: [head, ...currentReasons.filter((r) => r !== head)],
  };
}

/** When to announce that a verified person's second document expires: `noticeDays` before it, once. */
export function expiringNoticeAt(
  documentExpiresOn: string | null | undefined,
  noticeDays: number,
): Date | null {
  if (!documentExpiresOn || !/^\d{4}-\d{2}-\d{2}$/.test(documentExpiresOn)) return null;
  const expiry = Date.parse(`${documentExpiresOn}T00:00:00.000Z`);
  return Number.isNaN(expiry) ? null : new Date(expiry - noticeDays * 86_400_000);
}

/** Whole days from `now` to the start of the expiry date (negative once it has passed). */
export function daysUntil(documentExpiresOn: string, now: Date): number {
  return Math.ceil((Date.parse(`${documentExpiresOn}T00:00:00.000Z`) - now.getTime()) / 86_400_000);
}

/** Erasure at iDenfy is retried while it refuses (the token has not expired yet): 15 min, doubling, at most daily. */
export function nextErasureAttempt(attempts: number, now: Date): Date {
  const delay = Math.min(15 * 60_000 * 2 ** Math.max(0, attempts - 1), 24 * 3600_000);
  return new Date(now.getTime() + delay);
}

export interface DueInput {
  status: Status;
  identityExpiresAt: string;
  documentExpiresAt?: string;
  /** The sweep already asked iDenfy about these sessions (at most one /status call each). */
  reviewingUntil?: string;
  erasurePendingUntil?: string | null;
  erased: boolean;
  documentExpiresOn?: string | null;
  expiringNotified: boolean;
  noticeDays: number;
}

/** When the sweep next has something to do for a verification (null: nothing, ever). */
export function nextDue(v: DueInput): Date | null {
  if (v.erased) return v.erasurePendingUntil ? new Date(v.erasurePendingUntil) : null;
  if (v.status === 'PENDING') {
    const deadline = sessionDeadline(v.identityExpiresAt, v.documentExpiresAt);
    const reviewing = v.reviewingUntil ? new Date(v.reviewingUntil) : null;
    return reviewing && reviewing > deadline ? reviewing : deadline;
  }
  if (v.status === 'VERIFIED' && !v.expiringNotified) {
    return expiringNoticeAt(v.documentExpiresOn, v.noticeDays);
  }
  return null;
}
