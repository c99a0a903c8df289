/** Use case: the browser returns from the identity step; create (or reuse) the document session. */
import { sessionDeadline } from '../domain/lifecycle';
import { checkContinueToken } from '../shared/continue-token';
import { HttpError, notFound } from '../shared/errors';
import type { IdenfyApi, VerificationRepository } from './model';
import { documentTokenType } from './start-verification';

export interface ContinueDeps {
  repo: VerificationRepository;
  idenfy: IdenfyApi;
  now: () => Date;
  continueLinkKey: string;
  retentionDays: number;
  tokenExpirySeconds: number;
}

const OUTCOMES = ['success', 'error', 'unverified'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Returns where to send the browser. */
export async function continueVerification(
  verificationId: string,
  token: string | undefined,
  outcome: string | undefined,
  baseUrl: string,
  deps: ContinueDeps,
): Promise<string> {
  const now = deps.now();
  if (outcome !== undefined && !OUTCOMES.includes(outcome as Outcome)) {
    throw new HttpError(400, 'VALIDATION_ERROR', 'outcome: must be success, error or unverified');
  }
  const check = checkContinueToken(deps.continueLinkKey, verificationId, token, now);
  if (check === 'invalid') throw new HttpError(403, 'INVALID_LINK', 't: the continue link is not valid');
  if (check === 'expired') throw new HttpError(403, 'LINK_EXPIRED', 't: the continue link has expired');

  const v = await deps.repo.get(verificationId);
  if (!v) throw notFound('verification');
  const urls = v.finalUrls;
  if (v.status === 'REJECTED') return urls.errorUrl;
  if (v.status === 'EXPIRED') return urls.unverifiedUrl;
  if (v.status !== 'PENDING' || v.method !== 'TWO_SESSIONS') return urls.successUrl;
  // The identity step failed or was abandoned: no document session, no credit spent.
  if (outcome === 'error') return urls.errorUrl;
  if (outcome === 'unverified') return urls.unverifiedUrl;
  if (v.document) return v.document.redirectUrl;

  const token2 = await deps.idenfy.createToken({
    clientId: v.clientId,
    tokenType: documentTokenType(v.documentFaceCheck),
    externalRef: v.verificationId,
    callbackUrl: `${baseUrl}/webhooks/idenfy`,
    documents: v.documentTypes,
    // As in iDenfy's guide: the claimed data goes to both sessions, so iDenfy checks it against each document.
    firstName: v.claimed.firstName ?? undefined,
    lastName: v.claimed.lastName ?? undefined,
    dateOfBirth: v.claimed.dateOfBirth ?? undefined,
    locale: v.locale,
    expiryTime: deps.tokenExpirySeconds,
    ...urls,
  });
  const expiresAt = new Date(now.getTime() + deps.tokenExpirySeconds * 1000).toISOString();
  const session = await deps.repo.attachDocumentSession(
    v.verificationId,
    { ...token2, createdAt: now.toISOString(), expiresAt },
    deps.retentionDays,
    sessionDeadline(v.expiresAt, expiresAt).toISOString(),
  );
  return session.redirectUrl;
}
