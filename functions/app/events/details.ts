/** Generated from contracts/events/*.schema.json by `npm run events:types`: do not edit (a test regenerates and compares). */

export type Reasons = (
  | 'IDENTITY_SESSION_DENIED'
  | 'DOCUMENT_SESSION_DENIED'
  | 'IDENTITY_SESSION_SUSPECTED'
  | 'DOCUMENT_SESSION_SUSPECTED'
  | 'IDENTITY_SESSION_EXPIRED'
  | 'DOCUMENT_SESSION_EXPIRED'
  | 'FIRST_NAME_MISMATCH'
  | 'LAST_NAME_MISMATCH'
  | 'DATE_OF_BIRTH_MISMATCH'
  | 'FIRST_NAME_PARTIAL_MATCH'
  | 'LAST_NAME_PARTIAL_MATCH'
  | 'FIELD_MISSING'
  | 'DOCUMENT_TYPE_NOT_ALLOWED'
  | 'DOCUMENT_VALIDITY_EXPIRED'
  | 'ADDITIONAL_DOCUMENT_NEEDS_REVIEW'
  | 'ADDITIONAL_DOCUMENT_NOT_FOUND'
  | 'ADDITIONAL_DOCUMENT_INVALID'
  | 'CLAIMED_DATA_MISMATCH'
  | 'MANUAL_REVIEW_APPROVED'
  | 'MANUAL_REVIEW_REJECTED'
  | 'IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED'
  | 'SAME_DOCUMENT_TWICE'
  | 'DOCUMENT_SEEN_FOR_ANOTHER_CLIENT'
  | 'NATIONALITY_MISMATCH'
  | 'NAME_SCRIPT_MIXED'
  | 'DATE_OF_BIRTH_IMPLAUSIBLE'
  | 'DOCUMENT_FACE_NOT_MATCHED'
  | 'ADDRESS_MISMATCH'
  | 'ADDRESS_PROOF_NAME_MISMATCH'
  | 'ADDRESS_PROOF_TOO_OLD'
  | 'CANCELLED'
)[];
/**
 * The plan's steps in order, each with its session and the latest result's overall and document type (nulls for a step not reached). Absent only on an event written before plans.
 */
export type Steps = {
  id: string;
  kind: 'IDENTITY' | 'DOCUMENT';
  scanRef: string | null;
  overall: string | null;
  docType: string | null;
}[];

export interface EventDetails {
  finalized: DetailOfVerificationFinalized;
  reviewed: DetailOfVerificationReviewed;
  documentExpiring: DetailOfVerificationDocumentExpiring;
  providerResultChanged: DetailOfVerificationProviderResultChanged;
}
/**
 * The first move out of PENDING, whichever final status it is (docs/architecture.md §3–§4). Thin: no names, dates of birth, document numbers or file URLs.
 */
export interface DetailOfVerificationFinalized {
  schemaVersion: 1;
  /**
   * <verificationId>#<version>: stable across retries; dedupe on it.
   */
  eventId: string;
  verificationId: string;
  clientId: string;
  method: 'TWO_SESSIONS' | 'ADDITIONAL_STEP';
  plan?: Plan;
  status: 'VERIFIED' | 'REQUIRES_REVIEW' | 'REJECTED' | 'EXPIRED';
  previousStatus: 'PENDING';
  reasons: Reasons;
  policyVersion: string;
  sessions: Sessions;
  steps?: Steps;
  checks: Checks;
  decidedAt: string;
}
/**
 * The plan the verification runs (docs/plans.md), at the version it started with. Absent only on an event written before plans and published after the upgrade.
 */
export interface Plan {
  id: string;
  version: number;
}
export interface Sessions {
  identity: {
    scanRef: string;
    overall: string | null;
  };
  document: null | {
    scanRef: string;
    overall: string | null;
    docType: string | null;
  };
}
/**
 * Verdicts and scores only: never names or dates.
 */
export interface Checks {
  firstName?: Check;
  lastName?: Check;
  dateOfBirth?: Check;
}
export interface Check {
  verdict: 'MATCH' | 'PARTIAL' | 'MISMATCH' | 'MISSING';
  score: number;
}
/**
 * A person's review moved a REQUIRES_REVIEW verification to VERIFIED or REJECTED. Who reviewed and their note are in the audit trail (GET /verifications/{id}), not in the event.
 */
export interface DetailOfVerificationReviewed {
  schemaVersion: 1;
  /**
   * <verificationId>#<version>: stable across retries; dedupe on it.
   */
  eventId: string;
  verificationId: string;
  clientId: string;
  method: 'TWO_SESSIONS' | 'ADDITIONAL_STEP';
  plan?: Plan;
  status: 'VERIFIED' | 'REJECTED';
  previousStatus: 'REQUIRES_REVIEW';
  reasons: Reasons;
  sessions: Sessions;
  steps?: Steps;
  checks: Checks;
  review: {
    decision: 'APPROVE' | 'REJECT';
    reviewedAt: string;
  };
  /**
   * When the verification was first decided (the Finalized event's decidedAt).
   */
  decidedAt: string;
}
/**
 * A VERIFIED person's second document expires within noticeDays (configuration expiringNoticeDays, default 30). Published once per verification.
 */
export interface DetailOfVerificationDocumentExpiring {
  schemaVersion: 1;
  /**
   * <verificationId>#<version>: stable across retries; dedupe on it.
   */
  eventId: string;
  verificationId: string;
  clientId: string;
  method: 'TWO_SESSIONS' | 'ADDITIONAL_STEP';
  plan?: Plan;
  status: 'VERIFIED';
  documentType: string | null;
  documentExpiresOn: string;
  daysLeft: number;
  noticeDays: number;
  noticeDueAt: string | null;
}
/**
 * iDenfy sent a final result for a session that contradicts a decision already made (e.g. DENIED after VERIFIED, usually its manual review). The status does not move: a person decides. Thin like the other events, plus the session's role and its new and previous overall.
 */
export interface DetailOfVerificationProviderResultChanged {
  schemaVersion: 1;
  /**
   * <verificationId>#<version>: stable across retries; dedupe on it.
   */
  eventId: string;
  verificationId: string;
  clientId: string;
  method: 'TWO_SESSIONS' | 'ADDITIONAL_STEP';
  plan?: Plan;
  /**
   * The status, unchanged by this event.
   */
  status: 'VERIFIED' | 'REQUIRES_REVIEW' | 'REJECTED' | 'EXPIRED';
  /**
   * Equal to status: the provider's result does not move it.
   */
  previousStatus: 'VERIFIED' | 'REQUIRES_REVIEW' | 'REJECTED' | 'EXPIRED';
  reasons: Reasons;
  sessions: Sessions;
  steps?: Steps;
  checks: Checks;
  decidedAt: string;
  session: 'IDENTITY' | 'DOCUMENT';
  /**
   * iDenfy's new overall for that session.
   */
  overall: string;
  /**
   * The overall the decision was made on (or the last change already published).
   */
  previousOverall: string;
}
