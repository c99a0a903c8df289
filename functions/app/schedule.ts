/** When the sweep next has work for a stored verification (docs/architecture.md §3 lifecycle). */
import { nextDue } from '../domain/lifecycle';
import type { Verification } from './model';

export function dueAt(v: Verification, noticeDays: number): string | null {
  const pending = Object.values(v.erasure?.idenfy ?? {}).some((s) => s.state === 'PENDING');
  const at = nextDue({
    status: v.status,
    identityExpiresAt: v.expiresAt,
    documentExpiresAt: v.document?.expiresAt,
    reviewingUntil: v.reviewingUntil,
    erased: v.erasure !== undefined,
    erasurePendingUntil: pending ? v.erasure?.nextAttemptAt : null,
    documentExpiresOn: v.documentExpiresOn,
    expiringNotified: v.expiringNotifiedAt !== undefined,
    noticeDays,
  });
  return at ? at.toISOString() : null;
}
