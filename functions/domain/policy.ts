/** The decision policy as data (docs/architecture.md §3 defaults). Recorded by version with every decision. */
import type { ComparedField, FinalStatus } from './types';

export interface DecisionPolicy {
  policyVersion: string;
  /** Fields compared between the two documents (and between the claim and each document). */
  comparedFields: ComparedField[];
  /** Where a partial match, a mismatch or a missing field leads (a full match of every field is needed for VERIFIED). */
  onPartial: Extract<FinalStatus, 'REQUIRES_REVIEW' | 'REJECTED'>;
  onMismatch: Extract<FinalStatus, 'REQUIRES_REVIEW' | 'REJECTED'>;
  onMissing: Extract<FinalStatus, 'REQUIRES_REVIEW' | 'REJECTED'>;
  /** Compare the client's claimed data with each document when it was supplied. */
  compareClaimedData: boolean;
  /**
   * Where a document-integrity finding leads (identity document type, one document twice, a document
   * of another client, nationality, a mixed-alphabet name, an implausible date of birth).
   */
  onIntegrityFailure: Extract<FinalStatus, 'REQUIRES_REVIEW' | 'REJECTED'>;
  /** Compare the two documents' nationalities when both state one. */
  compareNationality: boolean;
}

export const DEFAULT_POLICY: DecisionPolicy = {
  policyVersion: '2026-12-01.1',
  comparedFields: ['firstName', 'lastName', 'dateOfBirth'],
  onPartial: 'REQUIRES_REVIEW',
  onMismatch: 'REQUIRES_REVIEW',
  onMissing: 'REQUIRES_REVIEW',
  compareClaimedData: true,
  onIntegrityFailure: 'REQUIRES_REVIEW',
  compareNationality: true,
};
