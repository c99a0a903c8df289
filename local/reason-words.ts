/**
 * Every reason code in plain words, for people (the local page). Typed by the domain's codes, so a new
 * code does not compile until it has words.
 */
import type { ReasonCode } from '../functions/domain/types';

export const REASON_WORDS: Record<ReasonCode, string> = {
  IDENTITY_SESSION_DENIED: 'iDenfy denied the identity step',
  DOCUMENT_SESSION_DENIED: 'iDenfy denied the second document',
  IDENTITY_SESSION_SUSPECTED: 'iDenfy flagged the identity step',
  DOCUMENT_SESSION_SUSPECTED: 'iDenfy flagged the second document',
  IDENTITY_SESSION_EXPIRED: 'the identity step was not finished in time',
  DOCUMENT_SESSION_EXPIRED: 'the second document was not shown in time',
  FIRST_NAME_MISMATCH: 'the first names differ',
  LAST_NAME_MISMATCH: 'the last names differ',
  DATE_OF_BIRTH_MISMATCH: 'the dates of birth differ',
  FIRST_NAME_PARTIAL_MATCH: 'the first names only partly match',
  LAST_NAME_PARTIAL_MATCH: 'the last names only partly match',
  FIELD_MISSING: 'a document lacks a field that is compared',
  DOCUMENT_TYPE_NOT_ALLOWED: 'the second document is not of an allowed type',
  DOCUMENT_VALIDITY_EXPIRED: 'a document has expired',
  ADDITIONAL_DOCUMENT_NEEDS_REVIEW: 'the uploaded document needs a person',
  ADDITIONAL_DOCUMENT_NOT_FOUND: 'no uploaded document was found',
  ADDITIONAL_DOCUMENT_INVALID: 'iDenfy found the uploaded document invalid',
  CLAIMED_DATA_MISMATCH: 'what was claimed differs from a document',
  MANUAL_REVIEW_APPROVED: 'a person approved it',
  MANUAL_REVIEW_REJECTED: 'a person rejected it',
  IDENTITY_DOCUMENT_TYPE_NOT_ALLOWED: 'the identity step read a document that is not an identity document',
  SAME_DOCUMENT_TWICE: 'the same document was shown twice',
  DOCUMENT_SEEN_FOR_ANOTHER_CLIENT: 'a document was already used by another client',
  NATIONALITY_MISMATCH: 'the documents state different nationalities',
  NAME_SCRIPT_MIXED: 'a name mixes alphabets',
  DATE_OF_BIRTH_IMPLAUSIBLE: 'a date of birth is implausible',
  DOCUMENT_FACE_NOT_MATCHED: 'the face on the second document was not matched',
  ADDRESS_MISMATCH: 'the proof of address shows another address',
  ADDRESS_PROOF_NAME_MISMATCH: 'the proof of address names someone else',
  ADDRESS_PROOF_TOO_OLD: 'the proof of address is too old',
  CANCELLED: 'the client cancelled it',
};
