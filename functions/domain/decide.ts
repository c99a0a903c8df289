/**
 * The decision: a pure function of (verification, recorded results, policy, clock). docs/architecture.md §3.
 * Returns `undefined` while there is nothing to decide yet (waiting for final results).
 */
import { countryCode } from './countries';
import { comparePeople } from './match';
import { parseIsoDate } from './normalise';
import type { DecisionPolicy } from './policy';
import type {
  ComparedField,
  FieldCheck,
  FinalStatus,
  MatchReport,
  Method,
  PersonData,
  PublicChecks,
  ReasonCode,
  SessionResult,
  Verdict,
} from './types';

export interface DecisionInput {
  method: Method;
  claimed: PersonData;
  allowedDocumentTypes: string[];
  /** Types the identity session may read (default passport and ID card). */
  allowedIdentityDocumentTypes: string[];
  identity?: SessionResult;
  document?: SessionResult;
  /** A document of this verification is bound to a verification of another client (looked up by keyed hash). */
  documentSeenForAnotherClient?: boolean;
  /** The second session was an IDENTIFICATION session: its face verdict must be FACE_MATCH. */
  documentFaceCheck?: boolean;
}

/** Findings that may be innocent (a date not read, a document expired since): a person looks, never a rejection. */
const ALWAYS_REVIEW = new Set<ReasonCode>(['DOCUMENT_VALIDITY_EXPIRED', 'FIELD_MISSING']);

/** Older than this is no living person's date of birth. */
export const MAX_AGE_YEARS = 130;

export interface Decision {
  status: FinalStatus;
  reasons: ReasonCode[];
  report: MatchReport;
  checks: PublicChecks;
}

const EXPIRED_OVERALLS = new Set(['EXPIRED', 'EXPIRED-DELETED', 'CANCELLED', 'CANCELED']);
const EXPIRED_EVENTS = new Set(['IDENTIFICATION_EXPIRED', 'IDENTIFICATION_CANCELLED']);

function isExpired(r: SessionResult): boolean {
  return EXPIRED_OVERALLS.has(r.overall) || EXPIRED_EVENTS.has(r.eventType ?? '');
}

/** Only final results decide; an expiry or cancellation is final whatever its `final` flag says. */
function finalResult(r: SessionResult | undefined): SessionResult | undefined {
  if (!r) return undefined;
  return r.final || isExpired(r) ? r : undefined;
}

const FIELD_REASONS: Record<ComparedField, { MISMATCH: ReasonCode; PARTIAL: ReasonCode }> = {
  firstName: { MISMATCH: 'FIRST_NAME_MISMATCH', PARTIAL: 'FIRST_NAME_PARTIAL_MATCH' },
  lastName: { MISMATCH: 'LAST_NAME_MISMATCH', PARTIAL: 'LAST_NAME_PARTIAL_MATCH' },
  dateOfBirth: { MISMATCH: 'DATE_OF_BIRTH_MISMATCH', PARTIAL: 'DATE_OF_BIRTH_MISMATCH' },
};

export function decide(input: DecisionInput, policy: DecisionPolicy, now: Date): Decision | undefined {
  const identity = finalResult(input.identity);
  const document = finalResult(input.document);
  const emptyReport: MatchReport = { policyVersion: policy.policyVersion, pairs: {} };

  // Denial decides at once, without waiting for the other session.
  const denied: ReasonCode[] = [];
  if (identity?.overall === 'DENIED') denied.push('IDENTITY_SESSION_DENIED');
  if (document?.overall === 'DENIED') denied.push('DOCUMENT_SESSION_DENIED');
  if (denied.length > 0) {
    // A denied document shown by another client is the strongest signal of all: named here too.
    if (!input.documentSeenForAnotherClient) {
      return { status: 'REJECTED', reasons: denied, report: emptyReport, checks: {} };
    }
    return {
      status: 'REJECTED',
      reasons: [...denied, 'DOCUMENT_SEEN_FOR_ANOTHER_CLIENT'],
      report: { ...emptyReport, documentChecks: { seenForAnotherClient: true } },
      checks: {},
    };
  }

  const expired: ReasonCode[] = [];
  if (identity && isExpired(identity)) expired.push('IDENTITY_SESSION_EXPIRED');
  if (document && isExpired(document)) expired.push('DOCUMENT_SESSION_EXPIRED');
  if (expired.length > 0) return { status: 'EXPIRED', reasons: expired, report: emptyReport, checks: {} };

  if (!identity) return undefined;

  if (input.method === 'ADDITIONAL_STEP') {
    // iDenfy extracts nothing from an additional step: a person must look at it.
    const reasons: ReasonCode[] = ['ADDITIONAL_DOCUMENT_NEEDS_REVIEW'];
    if (identity.overall !== 'APPROVED') reasons.unshift('IDENTITY_SESSION_SUSPECTED');
    const step = additionalStepReason(identity);
    if (step) reasons.push(step);
    // What can be checked on the identity document alone is named for the reviewer too.
    const integrity = new Set<ReasonCode>();
    const report: MatchReport = { ...emptyReport };
    identityDocumentChecks(input, identity, now, integrity, report);
    if (input.documentSeenForAnotherClient) integrity.add('DOCUMENT_SEEN_FOR_ANOTHER_CLIENT');
    for (const r of integrity) if (!reasons.includes(r)) reasons.push(r);
    const rejects = [...integrity].some((r) => !ALWAYS_REVIEW.has(r));
    const status: FinalStatus =
      rejects && policy.onIntegrityFailure === 'REJECTED' ? 'REJECTED' : 'REQUIRES_REVIEW';
    return { status, reasons, report, checks: {} };
  }

  if (!document) return undefined;

  const reasons = new Set<ReasonCode>();
  let worst: FinalStatus = 'VERIFIED';
  const escalate = (to: FinalStatus) => {
    if (to === 'REJECTED' || (to === 'REQUIRES_REVIEW' && worst === 'VERIFIED')) worst = to;
  };

  for (const [r, code] of [
    [identity, 'IDENTITY_SESSION_SUSPECTED'],
    [document, 'DOCUMENT_SESSION_SUSPECTED'],
  ] as const) {
    if (r.overall !== 'APPROVED') {
      // SUSPECTED, and anything iDenfy may add that is neither approval nor denial, needs a person.
      reasons.add(code);
      escalate('REQUIRES_REVIEW');
    }
  }

  const report: MatchReport = { policyVersion: policy.policyVersion, pairs: {} };
  const fields = policy.comparedFields;
  const identityPerson = { ...identity.document, fromDocument: true };
  const documentPerson = { ...document.document, fromDocument: true };
  const docToDoc = comparePeople(identityPerson, documentPerson, fields);
  report.pairs['identity~document'] = docToDoc;
  for (const field of fields) {
    const check = docToDoc[field];
    if (!check) continue;
    applyVerdict(check.verdict, field, policy, reasons, escalate);
  }

  if (policy.compareClaimedData) {
    const claimedFields = fields.filter((f) => claimHas(input.claimed, f));
    if (claimedFields.length > 0) {
      const claim = { ...input.claimed, fromDocument: false };
      const claimToIdentity = comparePeople(claim, identityPerson, claimedFields);
      const claimToDocument = comparePeople(claim, documentPerson, claimedFields);
      report.pairs['claim~identity'] = claimToIdentity;
      report.pairs['claim~document'] = claimToDocument;
      const claimChecks = [...Object.values(claimToIdentity), ...Object.values(claimToDocument)];
      // A claimed value that leaves nothing to compare (only marks or apostrophes) is no match either.
      const claimEmpty = (c: FieldCheck) => c.verdict === 'MISSING' && c.compared[0] === null;
      if (claimChecks.some((c) => c.verdict === 'MISMATCH' || c.verdict === 'PARTIAL' || claimEmpty(c))) {
        reasons.add('CLAIMED_DATA_MISMATCH');
        escalate(policy.onMismatch);
      }
    }
  }

  const docType = document.document.documentType ?? null;
  const typeAllowed = docType != null && input.allowedDocumentTypes.includes(docType);
  if (!typeAllowed) {
    reasons.add('DOCUMENT_TYPE_NOT_ALLOWED');
    escalate('REQUIRES_REVIEW');
  }
  const expiry = parseIsoDate(document.document.expiryDate);
  const today = now.toISOString().slice(0, 10);
  const valid = expiry != null && expiry > today;
  if (!valid) {
    reasons.add(expiry == null ? 'FIELD_MISSING' : 'DOCUMENT_VALIDITY_EXPIRED');
    escalate('REQUIRES_REVIEW');
  }
  report.documentChecks = {
    documentType: { value: docType, allowed: typeAllowed },
    validity: { expiryDate: expiry, valid },
  };

  // Document integrity: each finding goes where the policy says (review by default), never to VERIFIED.
  const integrity = new Set<ReasonCode>();
  identityDocumentChecks(input, identity, now, integrity, report);
  const checks = report.documentChecks;
  checks.sameDocument = sameDocument(identity, document);
  if (checks.sameDocument) integrity.add('SAME_DOCUMENT_TWICE');
  checks.seenForAnotherClient = input.documentSeenForAnotherClient === true;
  if (checks.seenForAnotherClient) integrity.add('DOCUMENT_SEEN_FOR_ANOTHER_CLIENT');
  if (policy.compareNationality) {
    checks.nationality = compareNationalities(identity.document.nationality, document.document.nationality);
    if (checks.nationality.match === false) integrity.add('NATIONALITY_MISMATCH');
  }
  const claimDob = parseIsoDate(input.claimed.dateOfBirth);
  if (claimDob != null && !plausibleBirthDate(claimDob, now)) {
    checks.dateOfBirthPlausible = false;
    integrity.add('DATE_OF_BIRTH_IMPLAUSIBLE');
  }
  if (!plausibleBirthDate(document.document.dateOfBirth, now)) {
    checks.dateOfBirthPlausible = false;
    integrity.add('DATE_OF_BIRTH_IMPLAUSIBLE');
  }
  if (input.documentFaceCheck) {
    // iDenfy denies a face mismatch itself; anything short of a match (not checked, uncertain, no verdict) needs a person.
    const verdict = document.face ?? null;
    checks.documentFace = { verdict, matched: verdict === 'FACE_MATCH' };
    if (!checks.documentFace.matched) integrity.add('DOCUMENT_FACE_NOT_MATCHED');
  }
  const nameChecks = Object.values(report.pairs).flatMap((pair) => Object.values(pair ?? {}));
  if (nameChecks.some((c) => c.scriptMixed)) integrity.add('NAME_SCRIPT_MIXED');
  for (const r of integrity) {
    reasons.add(r);
    escalate(ALWAYS_REVIEW.has(r) ? 'REQUIRES_REVIEW' : policy.onIntegrityFailure);
  }

  return { status: worst, reasons: [...reasons], report, checks: publicChecks(docToDoc) };
}

/**
 * What the identity document alone must satisfy: an identity type (a residence permit is not one), not
 * expired on the decision date, a plausible date of birth. Adds reasons and fills the report.
 */
function identityDocumentChecks(
  input: DecisionInput,
  identity: SessionResult,
  now: Date,
  reasons: Set<ReasonCode>,
  report: MatchReport,
) {
  const today = now.toISOString().slice(0, 10);
  const type = identity.document.documentType?.trim().toUpperCase() || null;
  // iDenfy sends a type whenever it read a document: without one, nothing proves it was an identity document.
  const allowed = type != null && input.allowedIdentityDocumentTypes.includes(type);
  if (type == null) reasons.add('FIELD_MISSING');
  else if (!allowed) reasons.add('IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED');
  // iDenfy checks the identity document's validity itself; a missing date is left to it.
  const expiry = parseIsoDate(identity.document.expiryDate);
  const valid = expiry == null || expiry > today;
  if (!valid) reasons.add('DOCUMENT_VALIDITY_EXPIRED');
  const plausible = plausibleBirthDate(identity.document.dateOfBirth, now);
  if (!plausible) reasons.add('DATE_OF_BIRTH_IMPLAUSIBLE');
  report.documentChecks = {
    ...report.documentChecks,
    identityDocumentType: { value: type, allowed },
    identityValidity: { expiryDate: expiry, valid },
    dateOfBirthPlausible: plausible,
  };
}

/** A date of birth is implausible in the future or more than 130 years ago; a missing one is not judged here. */
export function plausibleBirthDate(raw: string | null | undefined, now: Date): boolean {
  const dob = parseIsoDate(raw);
  if (dob == null) return true;
  const today = now.toISOString().slice(0, 10);
  const oldest = `${String(now.getUTCFullYear() - MAX_AGE_YEARS).padStart(4, '0')}${today.slice(4)}`;
  return dob <= today && dob >= oldest;
}

/**
 * One physical document read twice: the same number (by keyed hash) from the same issuing country,
 * whatever type each session labelled it, or the same number where either country is missing.
 */
export function sameDocument(identity: SessionResult, document: SessionResult): boolean {
  const a = identity.document.numberDigest;
  const b = document.document.numberDigest;
  if (!a || !b || a !== b) return false;
  const ca = countryCode(identity.document.issuingCountry);
  const cb = countryCode(document.document.issuingCountry);
  return ca == null || cb == null || ca === cb;
}

function compareNationalities(a: string | null | undefined, b: string | null | undefined) {
  const ca = countryCode(a);
  const cb = countryCode(b);
  return {
    values: [ca, cb] as [string | null, string | null],
    match: ca == null || cb == null ? null : ca === cb,
  };
}

/** iDenfy's verdict on the additional step: NOT_FOUND (or no step reported at all) and INVALID are named. */
function additionalStepReason(identity: SessionResult): ReasonCode | undefined {
  const status = identity.additionalStep?.status ?? null;
  if (status === 'INVALID') return 'ADDITIONAL_DOCUMENT_INVALID';
  if (status === 'NOT_FOUND') return 'ADDITIONAL_DOCUMENT_NOT_FOUND';
  if (status === null && (identity.additionalStep?.steps.length ?? 0) === 0) {
    return 'ADDITIONAL_DOCUMENT_NOT_FOUND';
  }
  return undefined;
}

function claimHas(claimed: PersonData, field: ComparedField): boolean {
  if (field === 'firstName') return Boolean(claimed.firstName);
  if (field === 'lastName') return Boolean(claimed.lastName);
  return Boolean(claimed.dateOfBirth);
}

function applyVerdict(
  verdict: Verdict,
  field: ComparedField,
  policy: DecisionPolicy,
  reasons: Set<ReasonCode>,
  escalate: (s: FinalStatus) => void,
) {
  if (verdict === 'MATCH') return;
  if (verdict === 'MISSING') {
    reasons.add('FIELD_MISSING');
    escalate(policy.onMissing);
  } else if (verdict === 'PARTIAL') {
    reasons.add(FIELD_REASONS[field].PARTIAL);
    escalate(policy.onPartial);
  } else {
    reasons.add(FIELD_REASONS[field].MISMATCH);
    escalate(policy.onMismatch);
  }
}

/** Verdicts and scores only: events never carry names or dates. */
export function publicChecks(checks: Partial<Record<ComparedField, FieldCheck>>): PublicChecks {
  const out: PublicChecks = {};
  for (const [field, check] of Object.entries(checks) as [ComparedField, FieldCheck][]) {
    out[field] = { verdict: check.verdict, score: check.score };
  }
  return out;
}
