/** Use case: start a verification (create the identity session at iDenfy, store it). */

import { sessionDeadline } from '../domain/lifecycle';
import { asksForProofOfAddress, METHOD_PLANS, methodOf, type Plan, planOf } from '../domain/plans';
import { backoffMs, sleep } from '../shared/backoff';
import { signContinueToken } from '../shared/continue-token';
import type { StartVerificationRequest } from '../shared/schemas';
import { busy, Failure, invalidInput, unavailable } from './errors';
import type { FinalUrls, SessionRef, Verification } from './model';
import type { SessionStore, StartStore, VerificationReads } from './ports/repository';
import type { IdenfyApi } from './ports/services';
import { StartConflict } from './store-errors';

export interface StartDeps {
  repo: VerificationReads & StartStore & Pick<SessionStore, 'results'>;
  idenfy: IdenfyApi;
  now: () => Date;
  newId: () => string;
  continueLinkKey: string;
  defaults: FinalUrls;
  /** The plans on offer, by id (functions/shared/plans-config.ts), and the one a start naming none runs. */
  plans: ReadonlyMap<string, Plan>;
  defaultPlan: string;
  tokenExpirySeconds: number;
  retentionDays: number;
  documentSessionMode: 'just-in-time' | 'upfront';
  /** The keys are iDenfy's sandbox (DEV) keys: a start may ask for dummy outcomes. */
  sandboxAllowed?: boolean;
}

/** How long a continue link stays usable after the identity token's expiry (the session may run an hour). */
const CONTINUE_GRACE_MS = 2 * 3600_000;

export function continueUrl(baseUrl: string, verificationId: string, token: string, outcome: string): string {
  return `${baseUrl}/verifications/${encodeURIComponent(verificationId)}/continue?t=${encodeURIComponent(token)}&outcome=${outcome}`;
}

/** A start's claim outlives the token function's timeout (29 s): a crashed caller blocks its client no longer. */
export const START_CLAIM_MS = 30_000;
/** How long a concurrent start waits for the winner's verification before answering 409. */
export const CLAIM_WAIT_MS = 5_000;
/**
 * The wait before a concurrent start (or continue) looks again: growing, capped, jittered, so many
 * callers waiting on one claim never poll it in lock-step (docs/failure-modes.md).
 */
export const claimPause = (attempt: number) => sleep(25 + backoffMs(attempt, 50, 800));

/**
 * One iDenfy token per verification however many starts race: each start claims the client's slot
 * with a conditional write before it calls iDenfy. A caller that finds a claim waits for the winner's
 * verification (and answers with it), or answers 409 with Retry-After.
 */
export async function startVerification(
  req: StartVerificationRequest,
  baseUrl: string,
  deps: StartDeps,
): Promise<{ created: boolean; verification: Verification; redirectUrl: string | null }> {
  if (req.sandbox && !deps.sandboxAllowed) {
    throw new Failure(
      'NOT_ALLOWED',
      "sandbox: this stack is not configured for iDenfy's sandbox (idenfyEnvironment=sandbox); a production stack never asks for dummy outcomes",
    );
  }
  // A plan that does not exist, or contradicts the method, is refused before anything is claimed.
  const plan = choosePlan(req, deps);
  const waitUntil = deps.now().getTime() + CLAIM_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    const now = deps.now();
    const slot = await deps.repo.pendingForClient(req.clientId);
    const minted = slot?.claim?.minted;
    if (slot?.claim && minted) {
      // An earlier start minted this token and could not store it: store it now, never mint another.
      await storeVerification(minted, slot.claim.id, deps).catch((err: unknown) => {
        // Stored by a concurrent start meanwhile: the slot now points at it.
        if (!(err instanceof StartConflict)) throw err;
      });
      continue;
    }
    if (slot?.verificationId) {
      // The client's verification is still going: send the person back to where they left off.
      const existing = await deps.repo.get(slot.verificationId);
      const redirectUrl =
        existing?.status === 'PENDING' ? await resumeUrl(existing, baseUrl, deps, now) : undefined;
      if (existing && redirectUrl !== undefined) {
        // Never resumes someone else: the old claim would be dropped silently.
        const differs = claimDifferences(req, existing);
        if (differs.length > 0) throw claimDiffers(differs);
        return { created: false, verification: existing, redirectUrl };
      }
    }
    const claimHeld = slot?.claim !== undefined && slot.claim.until >= now.getTime();
    if (!claimHeld) {
      const claim = { id: deps.newId(), until: now.getTime() + START_CLAIM_MS };
      if (await deps.repo.claimStart(req.clientId, claim, slot, now)) {
        const verification = await mintAndStore(req, plan, baseUrl, deps, claim.id);
        return { created: true, verification, redirectUrl: verification.identity.redirectUrl };
      }
    }
    // Another start holds the slot: its verification will be there in a moment.
    if (now.getTime() >= waitUntil) {
      throw busy('Another verification for this clientId is being started; retry');
    }
    await claimPause(attempt);
  }
}

/**
 * Under the caller's claim: mints the token(s) at iDenfy, then stores the verification. iDenfy failed:
 * nothing exists, the claim is given up at once. The store failed (after its own retries): the token
 * exists, so it is kept under the claim and the next start stores it (one token per session).
 */
async function mintAndStore(
  req: StartVerificationRequest,
  plan: Plan,
  baseUrl: string,
  deps: StartDeps,
  claimId: string,
): Promise<Verification> {
  let verification: Verification;
  try {
    verification = await mint(req, plan, baseUrl, deps);
  } catch (err) {
    await deps.repo.releaseStart(req.clientId, claimId);
    throw err;
  }
  try {
    return await storeVerification(verification, claimId, deps);
  } catch (err) {
    // Our claim lapsed (iDenfy took longer than the lease) and another start took the slot.
    if (err instanceof StartConflict)
      throw busy('Another verification for this clientId was started meanwhile; retry');
    const kept = await deps.repo.stashStart(req.clientId, claimId, verification).catch(() => false);
    if (!kept) {
      await deps.repo.releaseStart(req.clientId, claimId).catch(() => {});
      throw err;
    }
    throw unavailable(
      'The verification could not be stored yet; retry: the session iDenfy created is kept for it',
    );
  }
}

/** Stores a minted verification under the claim it was minted for (StartConflict once the claim is lost). */
async function storeVerification(
  v: Verification,
  claimId: string,
  deps: Pick<StartDeps, 'repo' | 'retentionDays'>,
) {
  await deps.repo.create(
    v,
    claimId,
    deps.retentionDays,
    // Abandonment: the sweep looks again once no webhook can be expected any more.
    sessionDeadline(v.expiresAt, v.document?.expiresAt).toISOString(),
  );
  return v;
}

/** Calls iDenfy for the verification's token(s) and builds the verification to store (nothing is stored). */
async function mint(
  req: StartVerificationRequest,
  plan: Plan,
  baseUrl: string,
  deps: StartDeps,
): Promise<Verification> {
  const now = deps.now();
  const verificationId = deps.newId();
  const expiresAt = new Date(now.getTime() + deps.tokenExpirySeconds * 1000);
  const finalUrls: FinalUrls = {
    successUrl: req.successUrl ?? deps.defaults.successUrl,
    errorUrl: req.errorUrl ?? deps.defaults.errorUrl,
    unverifiedUrl: req.unverifiedUrl ?? deps.defaults.unverifiedUrl,
  };
  const [identityStep, documentStep] = plan.steps as [Plan['steps'][number], Plan['steps'][number]?];
  const method = methodOf(plan);
  const twoSessions = method === 'TWO_SESSIONS';
  const documentTypes = req.documentTypes ?? documentStep?.documentTypes ?? [];
  const documentFaceCheck = documentStep?.faceCheck === true;
  const linkExpiry = new Date(expiresAt.getTime() + CONTINUE_GRACE_MS);
  // Each link's token signs its outcome: an `error` link edited to `success` is refused.
  const link = (outcome: string) =>
    continueUrl(
      baseUrl,
      verificationId,
      signContinueToken(deps.continueLinkKey, verificationId, outcome, linkExpiry),
      outcome,
    );
  // Two sessions: the identity step ends at our continue link, which starts the document step.
  const identityUrls: FinalUrls = twoSessions
    ? { successUrl: link('success'), errorUrl: link('error'), unverifiedUrl: link('unverified') }
    : finalUrls;
  const common = {
    clientId: req.clientId,
    externalRef: verificationId,
    callbackUrl: `${baseUrl}/webhooks/idenfy`,
    locale: req.locale,
    expiryTime: deps.tokenExpirySeconds,
  };

  const identityToken = await deps.idenfy.createToken({
    ...common,
    ...identityUrls,
    tokenType: 'IDENTIFICATION',
    // Only identity documents here: the account default would let a residence permit pass as the identity.
    documents: identityStep.documentTypes,
    firstName: req.firstName,
    lastName: req.lastName,
    dateOfBirth: req.dateOfBirth,
    ...stepExtras(identityStep.additionalSteps, req.address),
    ...(req.sandbox ? { dummyStatus: req.sandbox.identity } : {}),
  });
  const identity: SessionRef = { ...identityToken, createdAt: now.toISOString() };
  let document: SessionRef | undefined;
  if (twoSessions && deps.documentSessionMode === 'upfront') {
    const documentToken = await deps.idenfy.createToken({
      ...common,
      ...finalUrls,
      tokenType: documentTokenType(documentFaceCheck),
      documents: documentTypes,
      firstName: req.firstName,
      lastName: req.lastName,
      dateOfBirth: req.dateOfBirth,
      ...stepExtras(documentStep?.additionalSteps, req.address),
      ...(req.sandbox?.document ? { dummyStatus: req.sandbox.document } : {}),
    });
    document = { ...documentToken, createdAt: now.toISOString(), expiresAt: expiresAt.toISOString() };
  }

  const verification: Verification = {
    verificationId,
    clientId: req.clientId,
    method,
    status: 'PENDING',
    reasons: [],
    claimed: {
      firstName: req.firstName,
      lastName: req.lastName,
      dateOfBirth: req.dateOfBirth,
      address: req.address,
    },
    plan: { id: plan.id, version: plan.version },
    planSteps: plan.steps.map((s) => ({ id: s.id, kind: s.kind })),
    documentTypes,
    identityDocumentTypes: identityStep.documentTypes,
    ...(documentFaceCheck ? { documentFaceCheck: true } : {}),
    ...(documentStep?.additionalSteps ? { documentAdditionalSteps: documentStep.additionalSteps } : {}),
    ...(req.sandbox ? { sandbox: req.sandbox } : {}),
    finalUrls,
    locale: req.locale,
    identity,
    document,
    version: 0,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
  };
  return verification;
}

/**
 * Where a repeated start sends the person (docs/architecture.md §2): the identity session while that
 * step is unfinished and its token valid; once it is done (its webhook came, or the browser came back
 * through the continue link), the document session, or the continue link that creates it just in time;
 * once the person's part is done, the success URL. Never a link that is used up or expired:
 *  - null: nothing to hand out, and nothing to start either (a denial was recorded, final or not, or
 *    the browser came back through the identity step's error link and no result has come yet);
 *  - undefined: nothing can be resumed (a new start then replaces this verification, which the sweep expires).
 */
async function resumeUrl(
  v: Verification,
  baseUrl: string,
  deps: Pick<StartDeps, 'repo' | 'continueLinkKey'>,
  now: Date,
): Promise<string | null | undefined> {
  const alive = (until: string | undefined) => until === undefined || Date.parse(until) > now.getTime();
  const results = await deps.repo.results(v.verificationId);
  const identity = results.find((r) => r.role === 'IDENTITY' && r.scanRef === v.identity.scanRef);
  if (identity?.overall === 'DENIED') return null;
  const identityDone = v.document !== undefined || identity !== undefined || v.identityReturn === 'success';
  if (!identityDone) {
    // Back through the error or unverified link: that session is used up; its result decides.
    if (v.identityReturn) return null;
    return alive(v.expiresAt) ? v.identity.redirectUrl : undefined;
  }
  // One session only: the person's part is done; the decision follows.
  if (v.method !== 'TWO_SESSIONS') return v.finalUrls.successUrl;
  if (v.document) {
    const document = results.find((r) => r.role === 'DOCUMENT' && r.scanRef === v.document?.scanRef);
    if (document?.overall === 'DENIED') return null;
    // Its result came: the document session is used up, and the decision follows.
    if (document) return v.finalUrls.successUrl;
    return alive(v.document.expiresAt) ? v.document.redirectUrl : undefined;
  }
  const linkExpiry = new Date(Date.parse(v.expiresAt) + CONTINUE_GRACE_MS);
  if (linkExpiry.getTime() <= now.getTime()) return undefined;
  const t = signContinueToken(deps.continueLinkKey, v.verificationId, 'success', linkExpiry);
  return continueUrl(baseUrl, v.verificationId, t, 'success');
}

/**
 * The plan a start runs: the one it names, else its method's, else the deployment's default. An
 * unknown plan, or one that runs another method than the start names, is 400 naming `plan`.
 */
export function choosePlan(
  req: StartVerificationRequest,
  deps: Pick<StartDeps, 'plans' | 'defaultPlan'>,
): Plan {
  const id = req.plan ?? (req.method ? METHOD_PLANS[req.method] : deps.defaultPlan);
  const plan = deps.plans.get(id);
  if (!plan) {
    const known = [...deps.plans.keys()].join(', ');
    throw invalidInput(`plan: no plan "${id}" here (known: ${known})`, [
      { field: 'plan', message: 'unknown plan' },
    ]);
  }
  if (req.method && methodOf(plan) !== req.method) {
    throw invalidInput(
      `plan: "${plan.id}" is not the ${req.method} method; give one of the two, or both agreeing`,
      [{ field: 'plan', message: 'contradicts method' }],
    );
  }
  return plan;
}

/** A step's additional steps for its token, and the claimed address when one of them is a proof of address. */
export function stepExtras(
  additionalSteps: Record<string, unknown> | undefined,
  address: string | undefined,
) {
  return {
    ...(additionalSteps ? { additionalSteps } : {}),
    // iDenfy compares a proof of address (its COMPARE type) with the address it is given.
    ...(address && asksForProofOfAddress(additionalSteps)
      ? { additionalData: { UTILITY_BILL: { address } } }
      : {}),
  };
}

/** The fields of a repeated start that claim something else than the pending verification does. */
export function claimDifferences(req: StartVerificationRequest, v: Verification): string[] {
  const fields: string[] = [];
  for (const field of ['firstName', 'lastName', 'dateOfBirth', 'address'] as const) {
    // A field the repeated start does not give claims nothing (a resume may send the id alone).
    if (req[field] !== undefined && req[field] !== (v.claimed[field] ?? undefined)) fields.push(field);
  }
  if (req.method !== undefined && req.method !== v.method) fields.push('method');
  if (req.plan !== undefined && req.plan !== planOf(v).id) fields.push('plan');
  if (req.documentTypes && req.documentTypes.join(',') !== v.documentTypes.join(',')) {
    fields.push('documentTypes');
  }
  return fields;
}

const claimDiffers = (fields: string[]) =>
  new Failure(
    'CLAIM_DIFFERS',
    `${fields.join(', ')}: differ from the verification already pending for this clientId; cancel it first to start another`,
    { details: fields.map((field) => ({ field })) },
  );

/** The start route's answer (docs/architecture.md §2); `redirectUrl` is where the person goes now. */
export function startView(v: Verification, redirectUrl: string | null = v.identity.redirectUrl) {
  return {
    verificationId: v.verificationId,
    clientId: v.clientId,
    method: v.method,
    plan: planOf(v),
    status: v.status,
    redirectUrl,
    expiresAt: v.expiresAt,
  };
}

/** A face check on the second document needs a selfie: an IDENTIFICATION session instead of DOCUMENT. */
export function documentTokenType(faceCheck: boolean | undefined): 'IDENTIFICATION' | 'DOCUMENT' {
  return faceCheck ? 'IDENTIFICATION' : 'DOCUMENT';
}
