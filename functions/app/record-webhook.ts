/** Use case: iDenfy reports a session result. Verify, validate, record (monotonic), queue. */
import { createHash } from 'node:crypto';
import type { DocumentData, SessionResult } from '../domain/types';
import { type IdenfyWebhook, webhookSchema } from '../shared/schemas';
import { isValidSignature } from '../shared/signature';
import { documentDigests } from './document-digests';
import { Failure, invalidInput, unavailable } from './errors';
import { parseJsonBody } from './json-body';
import type { RecordOutcome } from './model';
import type { SessionStore, StartStore, VerificationReads } from './ports/repository';
import type { WorkQueue } from './ports/services';

export interface WebhookDeps {
  repo: SessionStore & Pick<StartStore, 'pendingForClient'> & Pick<VerificationReads, 'get'>;
  queue: WorkQueue;
  signingKey: string;
  /** Our own key for document-number hashes (SAME_DOCUMENT_TWICE, DOCUMENT_SEEN_FOR_ANOTHER_CLIENT). */
  documentHashKey: string;
  now: () => Date;
  retentionDays: number;
}

export type WebhookAnswer =
  | { status: 'ignored' }
  | { status: RecordOutcome; verificationId: string; resultVersion: number };

export async function recordWebhook(
  body: Buffer,
  signature: string | undefined,
  eventType: string | undefined,
  deps: WebhookDeps,
): Promise<WebhookAnswer> {
  if (!isValidSignature(body, signature, deps.signingKey)) {
    throw new Failure('INVALID_SIGNATURE', 'Idenfy-Signature: missing or does not match the body');
  }
  const parsed = webhookSchema.safeParse(parseJsonBody(body));
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(body)'))];
    throw invalidInput(`${fields.join(', ')}: missing or invalid`);
  }
  const hook = parsed.data;

  // iDenfy echoes the verification id we sent as externalRef (the body is signed): one conditional
  // write into that verification's slot for the session records it. Without it, look the session up.
  const verificationId = hook.externalRef || (await deps.repo.findSession(hook.scanRef))?.verificationId;
  if (!verificationId) return { status: 'ignored' };

  const result = {
    scanRef: hook.scanRef,
    overall: hook.status.overall,
    final: isFinal(hook, eventType),
    // A header, so Latin-1 at most; anything but an iDenfy event name is not worth keeping.
    eventType: eventType && /^[A-Z_]{1,64}$/.test(eventType) ? eventType : null,
    document: documentData(hook, deps.documentHashKey),
    fraudTags: hook.status.fraudTags ?? [],
    mismatchTags: hook.status.mismatchTags ?? [],
    additionalStep: additionalStep(hook),
    // A person's review overrides the automatic verdict.
    face: hook.status.manualFace ?? hook.status.autoFace ?? null,
    proofOfAddress: proofOfAddress(hook),
  };
  const record = () =>
    deps.repo.recordResult(
      verificationId,
      { ...result, digest: contentDigest(result), receivedAt: deps.now().toISOString() },
      deps.retentionDays,
    );
  let recorded = await record();
  if (recorded.outcome === 'unknown') {
    const storing = await beingStored(verificationId, hook.scanRef, hook.clientId, deps);
    // iDenfy can answer faster than we store what it answered (a sandbox session ends at once): its
    // retry finds the session's slot. Never 200: that would lose the result.
    if (storing === 'storing') throw unavailable('scanRef: the session is still being stored; retry');
    // Stored between our write and our look: the slot is there now.
    if (storing === 'stored') recorded = await record();
  }
  // Not a session of this verification (or of ours), or erased meanwhile: nothing kept, nothing to decide.
  if (recorded.outcome === 'unknown' || recorded.outcome === 'erased') return { status: 'ignored' };
  // Queued for duplicates too: a crash between the write and the send is healed by iDenfy's retry.
  await deps.queue.send(verificationId, `${hook.scanRef}#${recorded.resultVersion}`);
  return {
    status: recorded.outcome,
    verificationId,
    resultVersion: recorded.resultVersion,
  };
}

/**
 * Whether the session is stored by now (its write landed after ours was refused), may still be being
 * stored (its client's start holds a claim, or the browser came back from the identity step and the
 * document session is not attached yet), or is no session of this verification. The claim is read
 * first: a start releases it only once the verification is written, so "no claim" then "no session"
 * cannot miss a write that was in flight.
 */
async function beingStored(
  verificationId: string,
  scanRef: string,
  clientId: string | null | undefined,
  deps: Pick<WebhookDeps, 'repo' | 'now'>,
): Promise<'stored' | 'storing' | 'no'> {
  const now = deps.now().getTime();
  if (clientId) {
    const slot = await deps.repo.pendingForClient(clientId);
    if (slot?.claim && slot.claim.until >= now) return 'storing';
  }
  const v = await deps.repo.get(verificationId);
  if (!v || v.erasure) return 'no';
  if (v.identity.scanRef === scanRef || v.document?.scanRef === scanRef) return 'stored';
  return v.status === 'PENDING' && !v.document && v.identityReturn === 'success' ? 'storing' : 'no';
}

/** Expiry and cancellation end a session whatever `final` says (its value there is UNCONFIRMED). */
function isFinal(hook: IdenfyWebhook, eventType: string | undefined): boolean {
  if (hook.final === true) return true;
  if (eventType === 'IDENTIFICATION_EXPIRED' || eventType === 'IDENTIFICATION_CANCELLED') return true;
  return hook.final == null && hook.status.overall === 'EXPIRED';
}

/** The step verdict and the names of the steps iDenfy reports (top-level map, or uploads under fileUrls). */
function additionalStep(hook: IdenfyWebhook): { status: string | null; steps: string[] } | null {
  const status = hook.status.additionalSteps ?? null;
  const steps = Object.keys(hook.additionalSteps ?? {})
    .filter((k) => /^[A-Z0-9_]{1,64}$/.test(k))
    .slice(0, 20);
  return status === null && steps.length === 0 ? null : { status, steps };
}

/** The address a proof of address showed, and iDenfy's comparison of it with the one we sent. */
function proofOfAddress(hook: IdenfyWebhook): SessionResult['proofOfAddress'] {
  const field = hook.data?.additionalData?.UTILITY_BILL?.address;
  if (!field || (field.value == null && field.status == null)) return null;
  return { address: field.value ?? null, comparison: field.status ?? null };
}

/**
 * Only what the decision needs: no document numbers (only their keyed hashes), personal codes,
 * addresses or file URLs.
 */
function documentData(hook: IdenfyWebhook, documentHashKey: string): DocumentData {
  const d = hook.data ?? {};
  const digests = documentDigests(documentHashKey, {
    number: d.docNumber,
    type: d.docType,
    issuingCountry: d.docIssuingCountry,
  });
  return {
    firstName: d.docFirstName ?? null,
    lastName: d.docLastName ?? null,
    originalFirstName: d.orgFirstName ?? null,
    originalLastName: d.orgLastName ?? null,
    dateOfBirth: d.docDob ?? null,
    expiryDate: d.docExpiry ?? null,
    documentType: d.docType ?? null,
    nationality: d.docNationality ?? null,
    issuingCountry: d.docIssuingCountry ?? null,
    numberDigest: digests?.numberDigest ?? null,
    documentDigest: digests?.documentDigest ?? null,
    legacyDocumentDigest: digests?.legacyDocumentDigest ?? null,
  };
}

/**
 * Digest of what we record, not of the bytes: a re-serialised (re-signed) copy of a body, or a later
 * webhook that changes nothing the decision reads, is a duplicate.
 */
export function contentDigest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
