/**
 * The decision as a table: each finding `decide()` can make, and where it leads. One row per reason;
 * the status is the worst destination among a decision's findings (REJECTED > EXPIRED >
 * REQUIRES_REVIEW > VERIFIED), wherever in `decide()` the finding was made: the same finding leads to
 * the same place for every method. docs/decisions.md prints this table; a test holds the two together.
 *
 * A destination is a status, or the policy key that chooses one (functions/domain/policy.ts).
 */
import type { DecisionPolicy } from './policy';
import type { FinalStatus, ReasonCode } from './types';

/** Reasons written by something other than the decision: a reviewer, the client's cancellation. */
export type NotAFinding = 'MANUAL_REVIEW_APPROVED' | 'MANUAL_REVIEW_REJECTED' | 'CANCELLED';
export type Finding = Exclude<ReasonCode, NotAFinding>;

export type PolicyKey = 'onPartial' | 'onMismatch' | 'onMissing' | 'onIntegrityFailure';
export type Destination = Exclude<FinalStatus, 'VERIFIED'> | PolicyKey;

export const DECISION_TABLE: Record<Finding, Destination> = {
  // What iDenfy decided about a session.
  IDENTITY_SESSION_DENIED: 'REJECTED',
  DOCUMENT_SESSION_DENIED: 'REJECTED',
  IDENTITY_SESSION_EXPIRED: 'EXPIRED',
  DOCUMENT_SESSION_EXPIRED: 'EXPIRED',
  // SUSPECTED, and anything iDenfy may add that is neither approval nor denial.
  IDENTITY_SESSION_SUSPECTED: 'REQUIRES_REVIEW',
  DOCUMENT_SESSION_SUSPECTED: 'REQUIRES_REVIEW',
  // The people on the documents (and the claim) compared.
  FIRST_NAME_MISMATCH: 'onMismatch',
  LAST_NAME_MISMATCH: 'onMismatch',
  DATE_OF_BIRTH_MISMATCH: 'onMismatch',
  CLAIMED_DATA_MISMATCH: 'onMismatch',
  FIRST_NAME_PARTIAL_MATCH: 'onPartial',
  LAST_NAME_PARTIAL_MATCH: 'onPartial',
  // A compared field, a document's expiry date or the identity document's type not read.
  FIELD_MISSING: 'onMissing',
  // The second document: a person judges an unexpected type or a document expired since.
  DOCUMENT_TYPE_NOT_ALLOWED: 'REQUIRES_REVIEW',
  DOCUMENT_VALIDITY_EXPIRED: 'REQUIRES_REVIEW',
  // iDenfy extracts nothing from an additional step's upload: a person looks at it.
  ADDITIONAL_DOCUMENT_NEEDS_REVIEW: 'REQUIRES_REVIEW',
  ADDITIONAL_DOCUMENT_NOT_FOUND: 'REQUIRES_REVIEW',
  ADDITIONAL_DOCUMENT_INVALID: 'REQUIRES_REVIEW',
  // Document integrity (docs/decisions.md): never VERIFIED; where the policy says.
  IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED: 'onIntegrityFailure',
  SAME_DOCUMENT_TWICE: 'onIntegrityFailure',
  DOCUMENT_SEEN_FOR_ANOTHER_CLIENT: 'onIntegrityFailure',
  NATIONALITY_MISMATCH: 'onIntegrityFailure',
  NAME_SCRIPT_MIXED: 'onIntegrityFailure',
  DATE_OF_BIRTH_IMPLAUSIBLE: 'onIntegrityFailure',
  DOCUMENT_FACE_NOT_MATCHED: 'onIntegrityFailure',
  // A proof of address that does not bear the claim out: a person looks at it.
  ADDRESS_MISMATCH: 'REQUIRES_REVIEW',
  ADDRESS_PROOF_NAME_MISMATCH: 'REQUIRES_REVIEW',
  ADDRESS_PROOF_TOO_OLD: 'REQUIRES_REVIEW',
};

const SEVERITY: Record<FinalStatus, number> = { VERIFIED: 0, REQUIRES_REVIEW: 1, EXPIRED: 2, REJECTED: 3 };

const isPolicyKey = (d: Destination): d is PolicyKey => d.startsWith('on');

/** Where one finding leads under a policy. */
export function leadsTo(finding: Finding, policy: DecisionPolicy): Exclude<FinalStatus, 'VERIFIED'> {
  const destination = DECISION_TABLE[finding];
  return isPolicyKey(destination) ? policy[destination] : destination;
}

/** The one escalation: no finding is VERIFIED, otherwise the worst place any finding leads. */
export function statusOf(findings: Iterable<Finding>, policy: DecisionPolicy): FinalStatus {
  let worst: FinalStatus = 'VERIFIED';
  for (const f of findings) {
    const to = leadsTo(f, policy);
    if (SEVERITY[to] > SEVERITY[worst]) worst = to;
  }
  return worst;
}
