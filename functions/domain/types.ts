/** The vocabulary of a verification. Pure types: no AWS, no I/O. Contract values are from docs/architecture.md §2–§4. */

export const METHODS = ['TWO_SESSIONS', 'ADDITIONAL_STEP'] as const;
export type Method = (typeof METHODS)[number];

export const STATUSES = ['PENDING', 'VERIFIED', 'REQUIRES_REVIEW', 'REJECTED', 'EXPIRED'] as const;
export type Status = (typeof STATUSES)[number];
export type FinalStatus = Exclude<Status, 'PENDING'>;

export const REASON_CODES = [
  'IDENTITY_SESSION_DENIED',
  'DOCUMENT_SESSION_DENIED',
  'IDENTITY_SESSION_SUSPECTED',
  'DOCUMENT_SESSION_SUSPECTED',
  'IDENTITY_SESSION_EXPIRED',
  'DOCUMENT_SESSION_EXPIRED',
  'FIRST_NAME_MISMATCH',
  'LAST_NAME_MISMATCH',
  'DATE_OF_BIRTH_MISMATCH',
  'FIRST_NAME_PARTIAL_MATCH',
  'LAST_NAME_PARTIAL_MATCH',
  'FIELD_MISSING',
  'DOCUMENT_TYPE_NOT_ALLOWED',
  'DOCUMENT_VALIDITY_EXPIRED',
  'ADDITIONAL_DOCUMENT_NEEDS_REVIEW',
  // The additional step's own verdict (iDenfy's status.additionalSteps): nothing uploaded, or refused.
  'ADDITIONAL_DOCUMENT_NOT_FOUND',
  'ADDITIONAL_DOCUMENT_INVALID',
  'CLAIMED_DATA_MISMATCH',
  'MANUAL_REVIEW_APPROVED',
  'MANUAL_REVIEW_REJECTED',
  // Document integrity (docs/decisions.md): each leads where onIntegrityFailure says, never to VERIFIED.
  'IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED',
  'SAME_DOCUMENT_TWICE',
  'DOCUMENT_SEEN_FOR_ANOTHER_CLIENT',
  'NATIONALITY_MISMATCH',
  'NAME_SCRIPT_MIXED',
  'DATE_OF_BIRTH_IMPLAUSIBLE',
  // With documentSessionFaceCheck: the second session's selfie was not matched to the second document.
  'DOCUMENT_FACE_NOT_MATCHED',
  // A proof of address (iDenfy's UTILITY_BILL step) against the claimed address and the person.
  'ADDRESS_MISMATCH',
  'ADDRESS_PROOF_NAME_MISMATCH',
  'ADDRESS_PROOF_TOO_OLD',
  // The client cancelled a PENDING verification (status EXPIRED).
  'CANCELLED',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** What the identity session may read unless configured otherwise (`identityDocumentTypes`). */
export const DEFAULT_IDENTITY_DOCUMENT_TYPES = ['PASSPORT', 'ID_CARD'] as const;

/** Which of the two iDenfy sessions of a verification a result belongs to. */
export type SessionRole = 'IDENTITY' | 'DOCUMENT';

/** iDenfy's `status.overall`; kept open because iDenfy adds values (EXPIRED-DELETED, …). */
export type Overall =
  | 'APPROVED'
  | 'DENIED'
  | 'SUSPECTED'
  | 'REVIEWING'
  | 'EXPIRED'
  | 'ACTIVE'
  | (string & {});

/** The person as the client claimed it (optional) or as a document shows it. Dates are YYYY-MM-DD. */
export interface PersonData {
  firstName?: string | null;
  lastName?: string | null;
  /** Original-script names, used when the Latin fields are missing. */
  originalFirstName?: string | null;
  originalLastName?: string | null;
  dateOfBirth?: string | null;
  /** The claimed address, one line (a client's claim only). */
  address?: string | null;
  /** Read from a document (so its MRZ may have cut a name); a client's claim is not. */
  fromDocument?: boolean;
  /** A document's nationality and issuing country (a claim has neither): where its names come from. */
  nationality?: string | null;
  issuingCountry?: string | null;
}

export interface DocumentData extends PersonData {
  documentType?: string | null;
  /** YYYY-MM-DD */
  expiryDate?: string | null;
  /**
   * Keyed hashes (HMAC-SHA256, a key of our own) of the normalised document number, and of (issuing
   * country, number), the document's binding key: one physical document is recognised without storing
   * its number. Absent when the document showed no number. Results recorded before the type left the
   * key hold the older form in `documentDigest` and no `legacyDocumentDigest`.
   */
  numberDigest?: string | null;
  documentDigest?: string | null;
  /** The binding key of the release before (type, country as written, number), to find bindings it wrote. */
  legacyDocumentDigest?: string | null;
}

/** One recorded iDenfy result for one session (the latest accepted webhook). */
export interface SessionResult {
  role: SessionRole;
  scanRef: string;
  overall: Overall;
  final: boolean;
  /** `Idenfy-Event-Type` header value, when sent (IDENTIFICATION_EXPIRED, …). */
  eventType?: string | null;
  document: DocumentData;
  fraudTags: string[];
  mismatchTags: string[];
  /** The additional step(s) of an ADDITIONAL_STEP session: iDenfy's verdict and the steps it reports. */
  additionalStep?: { status: string | null; steps: string[] } | null;
  /** iDenfy's face verdict (`manualFace`, else `autoFace`), e.g. FACE_MATCH; null when no face was checked. */
  face?: string | null;
  /**
   * A proof of address (iDenfy's UTILITY_BILL step): the address read from it and iDenfy's own
   * comparison with the address we sent (MATCH, NOT_MATCH, NOT_FOUND, NO_DATA; null when not compared).
   */
  proofOfAddress?: { address: string | null; comparison: string | null } | null;
  /** Increments with every accepted (new) result for this session. */
  resultVersion: number;
}

export type Verdict = 'MATCH' | 'PARTIAL' | 'MISMATCH' | 'MISSING';

export interface FieldCheck {
  verdict: Verdict;
  /** 0..1, 1 for a full match. */
  score: number;
  /** What decided: `exact`, `token-set`, `given-name-subset`, `different`, `missing`. */
  method: string;
  /** The folded forms compared (personal data: stored and returned by the status route, never published). */
  compared: [string | null, string | null];
  /** A word of either name mixes alphabets (a homoglyph): never a MATCH. */
  scriptMixed?: boolean;
}

export type ComparedField = 'firstName' | 'lastName' | 'dateOfBirth';

export type PairName = 'identity~document' | 'claim~identity' | 'claim~document';

export interface MatchReport {
  policyVersion: string;
  pairs: Partial<Record<PairName, Partial<Record<ComparedField, FieldCheck>>>>;
  documentChecks?: {
    /** The second document (TWO_SESSIONS only). */
    documentType?: { value: string | null; allowed: boolean };
    validity?: { expiryDate: string | null; valid: boolean };
    /** The identity document's own checks. */
    identityDocumentType?: { value: string | null; allowed: boolean };
    identityValidity?: { expiryDate: string | null; valid: boolean };
    /** Both sessions read one physical document. */
    sameDocument?: boolean;
    /** A document of this verification belongs to a verification of another client. */
    seenForAnotherClient?: boolean;
    /** Both nationalities when both documents state one (ISO alpha-2), and whether they agree. */
    nationality?: { values: [string | null, string | null]; match: boolean | null };
    /** Every date of birth is a real date between 130 years ago and the decision date. */
    dateOfBirthPlausible?: boolean;
    /** With `documentSessionFaceCheck`: iDenfy's face verdict on the second session, and whether it is FACE_MATCH. */
    documentFace?: { verdict: string | null; matched: boolean };
    /**
     * A proof of address: the claimed address, the address on it, the claim compared with it (NOT_CLAIMED: recorded, not
     * judged), iDenfy's own comparison and tags.
     */
    proofOfAddress?: {
      /** The claimed address (personal data, as the compared names are: the status route only). */
      claimed: string | null;
      address: string | null;
      verdict: 'MATCH' | 'MISMATCH' | 'MISSING' | 'NOT_CLAIMED';
      differs: string[];
      idenfyComparison: string | null;
      tags: string[];
    };
  };
}

/** The verdicts and scores that may leave the system in events (no names, no dates). */
export type PublicChecks = Partial<Record<ComparedField, { verdict: Verdict; score: number }>>;
