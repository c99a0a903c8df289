/**
 * The decision: a pure function of (verification, recorded results, policy, clock). docs/architecture.md §3.
 * Returns `undefined` while there is nothing to decide yet (waiting for final results).
 */
import { compareAddresses } from './addresses';
import { countryCode } from './countries';
import { type Finding, statusOf } from './decision-table';
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

const FIELD_REASONS: Record<ComparedField, Record<'MISMATCH' | 'PARTIAL', Finding>> = {
  firstName: { MISMATCH: 'FIRST_NAME_MISMATCH', PARTIAL: 'FIRST_NAME_PARTIAL_MATCH' },
  lastName: { MISMATCH: 'LAST_NAME_MISMATCH', PARTIAL: 'LAST_NAME_PARTIAL_MATCH' },
  // Dates are equal or not: never PARTIAL.
  dateOfBirth: { MISMATCH: 'DATE_OF_BIRTH_MISMATCH', PARTIAL: 'DATE_OF_BIRTH_MISMATCH' },
};

/**
 * Collects the findings (in the order a reader meets them), then concludes through the decision table
 * (./decision-table.ts): what each finding means is decided there, once, not here.
 */
export function decide(input: DecisionInput, policy: DecisionPolicy, now: Date): Decision | undefined {
  const identity = finalResult(input.identity);
  const document = finalResult(input.document);
  const findings = new Set<Finding>();
  const report: MatchReport = { policyVersion: policy.policyVersion, pairs: {} };
  const conclude = (checks: PublicChecks = {}): Decision => ({
    status: statusOf(findings, policy),
    reasons: [...findings],
    report,
    checks,
  });

  // Denial decides at once, without waiting for the other session.
  if (identity?.overall === 'DENIED') findings.add('IDENTITY_SESSION_DENIED');
  if (document?.overall === 'DENIED') findings.add('DOCUMENT_SESSION_DENIED');
  if (findings.size > 0) {
    // A denied document shown by another client is the strongest signal of all: named here too.
    if (input.documentSeenForAnotherClient) {
      findings.add('DOCUMENT_SEEN_FOR_ANOTHER_CLIENT');
      report.documentChecks = { seenForAnotherClient: true };
    }
    return conclude();
  }

  if (identity && isExpired(identity)) findings.add('IDENTITY_SESSION_EXPIRED');
  if (document && isExpired(document)) findings.add('DOCUMENT_SESSION_EXPIRED');
  if (findings.size > 0) return conclude();

  if (!identity) return undefined;

  if (input.method === 'ADDITIONAL_STEP') {
    if (identity.overall !== 'APPROVED') findings.add('IDENTITY_SESSION_SUSPECTED');
    // iDenfy extracts nothing from an additional step: a person must look at it.
    findings.add('ADDITIONAL_DOCUMENT_NEEDS_REVIEW');
    const step = additionalStepReason(identity);
    if (step) findings.add(step);
    // What can be checked on the identity document alone is named for the reviewer too.
    identityDocumentChecks(input, identity, now, findings, report);
    if (input.documentSeenForAnotherClient) findings.add('DOCUMENT_SEEN_FOR_ANOTHER_CLIENT');
    proofOfAddressChecks(input.claimed.address, [identity], findings, report);
    return conclude();
  }

  if (!document) return undefined;

  if (identity.overall !== 'APPROVED') findings.add('IDENTITY_SESSION_SUSPECTED');
  if (document.overall !== 'APPROVED') findings.add('DOCUMENT_SESSION_SUSPECTED');

  const fields = policy.comparedFields;
  const identityPerson = { ...identity.document, fromDocument: true };
  const documentPerson = { ...document.document, fromDocument: true };
  const docToDoc = comparePeople(identityPerson, documentPerson, fields);
  report.pairs['identity~document'] = docToDoc;
  for (const field of fields) {
    const verdict = docToDoc[field]?.verdict;
    if (verdict === 'MISSING') findings.add('FIELD_MISSING');
    else if (verdict === 'MISMATCH' || verdict === 'PARTIAL') findings.add(FIELD_REASONS[field][verdict]);
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
        findings.add('CLAIMED_DATA_MISMATCH');
      }
    }
  }

  const docType = document.document.documentType ?? null;
  const typeAllowed = docType != null && input.allowedDocumentTypes.includes(docType);
  if (!typeAllowed) findings.add('DOCUMENT_TYPE_NOT_ALLOWED');
  const expiry = parseIsoDate(document.document.expiryDate);
  const today = now.toISOString().slice(0, 10);
  const valid = expiry != null && expiry > today;
  if (!valid) findings.add(expiry == null ? 'FIELD_MISSING' : 'DOCUMENT_VALIDITY_EXPIRED');
  report.documentChecks = {
    documentType: { value: docType, allowed: typeAllowed },
    validity: { expiryDate: expiry, valid },
  };

  // Document integrity: what each rule saw goes in the report.
  identityDocumentChecks(input, identity, now, findings, report);
  const checks = report.documentChecks;
  checks.sameDocument = sameDocument(identity, document);
  if (checks.sameDocument) findings.add('SAME_DOCUMENT_TWICE');
  checks.seenForAnotherClient = input.documentSeenForAnotherClient === true;
  if (checks.seenForAnotherClient) findings.add('DOCUMENT_SEEN_FOR_ANOTHER_CLIENT');
  if (policy.compareNationality) {
    checks.nationality = compareNationalities(identity.document.nationality, document.document.nationality);
    if (checks.nationality.match === false) findings.add('NATIONALITY_MISMATCH');
  }
  const claimDob = parseIsoDate(input.claimed.dateOfBirth);
  if (claimDob != null && !plausibleBirthDate(claimDob, now)) {
    checks.dateOfBirthPlausible = false;
    findings.add('DATE_OF_BIRTH_IMPLAUSIBLE');
  }
  if (!plausibleBirthDate(document.document.dateOfBirth, now)) {
    checks.dateOfBirthPlausible = false;
    findings.add('DATE_OF_BIRTH_IMPLAUSIBLE');
  }
  if (input.documentFaceCheck) {
    // iDenfy denies a face mismatch itself; anything short of a match (not checked, uncertain, no verdict) needs a person.
    const verdict = document.face ?? null;
    checks.documentFace = { verdict, matched: verdict === 'FACE_MATCH' };
    if (!checks.documentFace.matched) findings.add('DOCUMENT_FACE_NOT_MATCHED');
  }
  const nameChecks = Object.values(report.pairs).flatMap((pair) => Object.values(pair ?? {}));
  if (nameChecks.some((c) => c.scriptMixed)) findings.add('NAME_SCRIPT_MIXED');
  proofOfAddressChecks(input.claimed.address, [identity, document], findings, report);

  return conclude(publicChecks(docToDoc));
}

/**
 * What the identity document alone must satisfy: an identity type (a residence permit is not one), not
 * expired on the decision date, a plausible date of birth. Adds reasons and fills the report.
 */
function identityDocumentChecks(
  input: DecisionInput,
  identity: SessionResult,
  now: Date,
  reasons: Set<Finding>,
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

/** iDenfy's proof-of-address mismatch tags (docs/idenfy-api.md §6), and the finding each one is. */
const PROOF_OF_ADDRESS_TAGS: Record<string, Finding> = {
  UTILITY_ADDRESS: 'ADDRESS_MISMATCH',
  UTILITY_NAME: 'ADDRESS_PROOF_NAME_MISMATCH',
  EXPIRED_UTILITY_BILL: 'ADDRESS_PROOF_TOO_OLD',
};

/**
 * A proof of address (iDenfy's UTILITY_BILL step, on whichever session carried it) against the claimed
 * address: iDenfy's tags and its own comparison count, and so does ours (functions/domain/addresses.ts),
 * the stricter of the two winning. A claimed address that nothing on the proof can be compared with
 * is a field missing. Without a claim the proof's address is recorded, not judged.
 */
function proofOfAddressChecks(
  claimed: string | null | undefined,
  sessions: SessionResult[],
  findings: Set<Finding>,
  report: MatchReport,
) {
  const proof = sessions.find(
    (r) =>
      r.proofOfAddress ||
      r.additionalStep?.steps.includes('UTILITY_BILL') ||
      r.mismatchTags.some((t) => t in PROOF_OF_ADDRESS_TAGS),
  );
  if (!proof) return;
  const tags = proof.mismatchTags.filter((t) => t in PROOF_OF_ADDRESS_TAGS);
  for (const tag of tags) findings.add(PROOF_OF_ADDRESS_TAGS[tag] as Finding);
  const address = proof.proofOfAddress?.address ?? null;
  const idenfyComparison = proof.proofOfAddress?.comparison ?? null;
  if (idenfyComparison === 'NOT_MATCH') findings.add('ADDRESS_MISMATCH');
  const check = claimed ? compareAddresses(claimed, address) : null;
  if (check?.verdict === 'MISMATCH') findings.add('ADDRESS_MISMATCH');
  // Nothing of ours to compare, and iDenfy did not compare either: a person reads the proof.
  const idenfyCompared = idenfyComparison === 'MATCH' || idenfyComparison === 'NOT_MATCH';
  if (check?.verdict === 'MISSING' && !idenfyCompared) findings.add('FIELD_MISSING');
  report.documentChecks = {
    ...report.documentChecks,
    proofOfAddress: {
      claimed: claimed ?? null,
      address,
      verdict: check?.verdict ?? 'NOT_CLAIMED',
      differs: check?.differs ?? [],
      idenfyComparison,
      tags,
    },
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
function additionalStepReason(identity: SessionResult): Finding | undefined {
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

/** Verdicts and scores only: events never carry names or dates. */
export function publicChecks(checks: Partial<Record<ComparedField, FieldCheck>>): PublicChecks {
  const out: PublicChecks = {};
  for (const [field, check] of Object.entries(checks) as [ComparedField, FieldCheck][]) {
    out[field] = { verdict: check.verdict, score: check.score };
  }
  return out;
}
