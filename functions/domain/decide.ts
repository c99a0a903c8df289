/**
 * The decision: a pure function of (verification, recorded results, policy, clock). DESIGN §3.
 * Returns `undefined` while there is nothing to decide yet (waiting for final results).
 */
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
  identity?: SessionResult;
  document?: SessionResult;
}

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
  if (denied.length > 0) return { status: 'REJECTED', reasons: denied, report: emptyReport, checks: {} };

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
    return { status: 'REQUIRES_REVIEW', reasons, report: emptyReport, checks: {} };
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
  const docToDoc = comparePeople(identity.document, document.document, fields);
  report.pairs['identity~document'] = docToDoc;
  for (const field of fields) {
    const check = docToDoc[field];
    if (!check) continue;
    applyVerdict(check.verdict, field, policy, reasons, escalate);
  }

  if (policy.compareClaimedData) {
    const claimedFields = fields.filter((f) => claimHas(input.claimed, f));
    if (claimedFields.length > 0) {
      const claimToIdentity = comparePeople(input.claimed, identity.document, claimedFields);
      const claimToDocument = comparePeople(input.claimed, document.document, claimedFields);
      report.pairs['claim~identity'] = claimToIdentity;
      report.pairs['claim~document'] = claimToDocument;
      const claimChecks = [...Object.values(claimToIdentity), ...Object.values(claimToDocument)];
      if (claimChecks.some((c) => c.verdict === 'MISMATCH' || c.verdict === 'PARTIAL')) {
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

  return { status: worst, reasons: [...reasons], report, checks: publicChecks(docToDoc) };
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
