/** Use case: the status route's view (DESIGN §2). No document numbers, file URLs or auth tokens. */

import type { SessionResult } from '../domain/types';
import { notFound } from '../shared/errors';
import type { SessionRef, VerificationRepository } from './model';

export async function getVerification(verificationId: string, repo: VerificationRepository) {
  const v = await repo.get(verificationId);
  if (!v) throw notFound('verification');
  const results = await repo.results(verificationId);
  const session = (ref: SessionRef | undefined, role: SessionResult['role']) => {
    if (!ref) return null;
    const r = results.find((x) => x.role === role && x.scanRef === ref.scanRef);
    return r
      ? { scanRef: ref.scanRef, overall: r.overall, final: r.final, docType: r.document.documentType ?? null }
      : { scanRef: ref.scanRef, final: false, docType: null };
  };
  return {
    verificationId: v.verificationId,
    clientId: v.clientId,
    method: v.method,
    status: v.status,
    reasons: v.reasons,
    sessions: { identity: session(v.identity, 'IDENTITY'), document: session(v.document, 'DOCUMENT') },
    report: v.report ?? null,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    decidedAt: v.decidedAt ?? null,
  };
}
