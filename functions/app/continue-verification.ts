/** Use case: the browser returns from the identity step; create (or reuse) the document session. */
import { sessionDeadline } from '../domain/lifecycle';
import type { SessionResult } from '../domain/types';
import { checkContinueToken } from '../shared/continue-token';
import { busy, Failure, invalidInput, notFound, unavailable } from './errors';
import type { SessionRef, Verification } from './model';
import type { SessionStore, VerificationReads } from './ports/repository';
import type { IdenfyApi } from './ports/services';
import {
  CLAIM_WAIT_MS,
  claimPause,
  documentTokenType,
  START_CLAIM_MS,
  stepExtras,
} from './start-verification';
import { VersionConflict } from './store-errors';

export interface ContinueDeps {
  repo: VerificationReads & SessionStore;
  idenfy: IdenfyApi;
  now: () => Date;
  continueLinkKey: string;
  retentionDays: number;
  tokenExpirySeconds: number;
  newId: () => string;
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
    throw invalidInput('outcome: must be success, error or unverified');
  }
  const check = checkContinueToken(deps.continueLinkKey, verificationId, outcome, token, now);
  if (check === 'invalid') throw new Failure('INVALID_LINK', 't: the continue link is not valid');
  if (check === 'expired') throw new Failure('LINK_EXPIRED', 't: the continue link has expired');

  const first = await deps.repo.snapshot(verificationId);
  if (!first) throw notFound('verification');
  // One document session however many times the link is followed at once: claim, then call iDenfy.
  const waitUntil = now.getTime() + CLAIM_WAIT_MS;
  for (let { verification: current, results, documentClaim } = first, attempt = 1; ; attempt++) {
    const urls = current.finalUrls;
    if (current.status === 'REJECTED') return urls.errorUrl;
    if (current.status === 'EXPIRED') return urls.unverifiedUrl;
    if (current.status !== 'PENDING' || current.method !== 'TWO_SESSIONS') return urls.successUrl;
    // The identity step failed or was abandoned: no document session, no credit spent, and its link
    // is used up (a repeated start never hands it out again).
    if (outcome === 'error' || outcome === 'unverified') {
      await deps.repo.markIdentityReturned(verificationId, outcome);
      return outcome === 'error' ? urls.errorUrl : urls.unverifiedUrl;
    }
    // A denial closes the door, even iDenfy's automatic one awaiting its manual review.
    if (identityDenied(current, results)) return urls.errorUrl;
    if (current.document) return current.document.redirectUrl;
    // An earlier follow minted the session and could not attach it: attach it now, never mint another.
    if (documentClaim?.minted) {
      const attached = await attach(current, documentClaim.minted, documentClaim.id, deps);
      if (attached) return attached;
    } else {
      const at = deps.now();
      const claim = { id: deps.newId(), until: at.getTime() + START_CLAIM_MS };
      if (await deps.repo.claimDocumentSession(verificationId, current.identity.scanRef, claim, at)) {
        const attached = await mintDocumentSession(current, claim.id, baseUrl, deps);
        if (attached) return attached;
      } else if (at.getTime() >= waitUntil) {
        throw busy('The document session is being created; retry');
      } else {
        await claimPause(attempt);
      }
    }
    const again = await deps.repo.snapshot(verificationId);
    if (!again) throw notFound('verification');
    ({ verification: current, results, documentClaim } = again);
  }
}

/** The identity step's latest recorded result is a denial (final or not). */
export function identityDenied(v: Verification, results: SessionResult[]): boolean {
  return results.some(
    (r) => r.role === 'IDENTITY' && r.scanRef === v.identity.scanRef && r.overall === 'DENIED',
  );
}

async function mintDocumentSession(
  v: Verification,
  claimId: string,
  baseUrl: string,
  deps: ContinueDeps,
): Promise<string | undefined> {
  const now = deps.now();
  let token2: Awaited<ReturnType<IdenfyApi['createToken']>>;
  try {
    token2 = await deps.idenfy.createToken({
      clientId: v.clientId,
      tokenType: documentTokenType(v.documentFaceCheck),
      externalRef: v.verificationId,
      callbackUrl: `${baseUrl}/webhooks/idenfy`,
      documents: v.documentTypes,
      // As in iDenfy's guide: the claimed data goes to both sessions, so iDenfy checks it against each document.
      firstName: v.claimed.firstName ?? undefined,
      lastName: v.claimed.lastName ?? undefined,
      dateOfBirth: v.claimed.dateOfBirth ?? undefined,
      ...stepExtras(v.documentAdditionalSteps, v.claimed.address ?? undefined),
      locale: v.locale,
      expiryTime: deps.tokenExpirySeconds,
      ...v.finalUrls,
      ...(v.sandbox?.document ? { dummyStatus: v.sandbox.document } : {}),
    });
  } catch (err) {
    // Nothing stored: the next follow of the link may try again at once.
    await deps.repo.releaseDocumentSession(v.verificationId, claimId);
    throw err;
  }
  const expiresAt = new Date(now.getTime() + deps.tokenExpirySeconds * 1000).toISOString();
  return attach(v, { ...token2, createdAt: now.toISOString(), expiresAt }, claimId, deps);
}

/**
 * Attaches a minted document session under the claim it was minted for: where to send the browser, or
 * undefined when the verification changed meanwhile (decided, erased: the caller reads it again). When
 * the store fails (after its own retries), the session is kept under the claim for the next follow.
 */
async function attach(
  v: Verification,
  session: SessionRef,
  claimId: string,
  deps: ContinueDeps,
): Promise<string | undefined> {
  try {
    const stored = await deps.repo.attachDocumentSession(
      v.verificationId,
      session,
      claimId,
      deps.retentionDays,
      sessionDeadline(v.expiresAt, session.expiresAt).toISOString(),
    );
    return stored.redirectUrl;
  } catch (err) {
    if (err instanceof VersionConflict) {
      await deps.repo.releaseDocumentSession(v.verificationId, claimId).catch(() => {});
      return undefined;
    }
    const kept = await deps.repo.stashDocumentSession(v.verificationId, claimId, session).catch(() => false);
    if (!kept) {
      await deps.repo.releaseDocumentSession(v.verificationId, claimId).catch(() => {});
      throw err;
    }
    throw unavailable(
      'The document session could not be stored yet; try again: the session iDenfy created is kept',
    );
  }
}
