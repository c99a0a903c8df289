/** Use cases: the status route's view and the list route (docs/architecture.md §2). No document numbers, file URLs or auth tokens. */

import { planOf } from '../domain/plans';
import type { SessionResult } from '../domain/types';
import { notFound } from './errors';
import { stepsView } from './events/builders';
import type { AuditEntry, SessionRef, Verification } from './model';
import type { VerificationReads } from './ports/repository';

export async function getVerificationView(verificationId: string, repo: VerificationReads) {
  const snapshot = await repo.snapshot(verificationId);
  if (!snapshot) throw notFound('verification');
  return view(snapshot.verification, snapshot.results, snapshot.audit);
}

function view(v: Verification, results: SessionResult[], audit: AuditEntry[]) {
  const session = (ref: SessionRef | undefined, role: SessionResult['role']) => {
    if (!ref) return null;
    const r = results.find((x) => x.role === role && x.scanRef === ref.scanRef);
    // iDenfy's tags are its verdicts (NAME, DOC_EXPIRED, AUTO_UNVERIFIABLE…), not the person's data.
    return r
      ? {
          scanRef: ref.scanRef,
          overall: r.overall,
          final: r.final,
          docType: r.document.documentType ?? null,
          fraudTags: r.fraudTags,
          mismatchTags: r.mismatchTags,
        }
      : { scanRef: ref.scanRef, final: false, docType: null };
  };
  return {
    ...summary(v),
    sessions: { identity: session(v.identity, 'IDENTITY'), document: session(v.document, 'DOCUMENT') },
    // The same sessions by the plan's steps (`sessions` stays for clients written before plans).
    steps: stepsView(v, results),
    report: v.report ?? null,
    // iDenfy contradicted the decision afterwards (the status did not move): a person should look.
    providerResultChanged: v.providerResultChanged ?? [],
    // A first approval waiting for a second, different reviewer (secondApprovalReasons).
    awaitingSecondApproval: v.status === 'REQUIRES_REVIEW' && v.firstApproval !== undefined && !v.erasure,
    firstApproval: v.firstApproval ?? null,
    audit: audit.sort((a, b) => a.at.localeCompare(b.at)),
    erasure: v.erasure ? erasureView(v) : null,
  };
}

export function summary(v: Verification) {
  return {
    verificationId: v.verificationId,
    clientId: v.clientId,
    method: v.method,
    plan: planOf(v),
    status: v.status,
    reasons: v.reasons,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    decidedAt: v.decidedAt ?? null,
    erased: v.erasure !== undefined,
  };
}

/** What an erasure removed here and what iDenfy still has to delete. */
export function erasureView(v: Verification) {
  const e = v.erasure;
  if (!e) return null;
  const sessions = Object.entries(e.idenfy).map(([scanRef, s]) => ({
    scanRef,
    role: s.role,
    state: s.state,
    attempts: s.attempts,
    ...(s.lastError ? { lastError: s.lastError } : {}),
  }));
  return {
    requestedAt: e.requestedAt,
    erased: e.erased,
    idenfy: sessions,
    pending: sessions.some((s) => s.state === 'PENDING'),
    nextAttemptAt: e.nextAttemptAt,
  };
}
