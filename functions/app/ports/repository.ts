/**
 * The repository port, by concern: each use case asks only for the parts it uses (a start never sees
 * erasure). The DynamoDB adapter (adapters/dynamo-repository.ts) and the in-memory fake
 * (tools/in-memory.ts) implement all of them, and one specification holds both to the same
 * behaviour (test/support/repository-contract.ts).
 */
import type { SessionResult, SessionRole } from '../../domain/types';
import type {
  AuditEntry,
  DecisionWrite,
  DocumentBinding,
  Erasure,
  FirstApproval,
  Lease,
  NewResult,
  OutboxClaim,
  OutboxEvent,
  Page,
  ProviderResultChange,
  RecordOutcome,
  ReviewWrite,
  SessionRef,
  Snapshot,
  StartSlot,
  Verification,
} from '../model';

/** Reads of one verification. */
export interface VerificationReads {
  get(verificationId: string): Promise<Verification | undefined>;
  /** The verification, its results, its audit trail and the documents it bound, in one read. */
  snapshot(verificationId: string): Promise<Snapshot | undefined>;
}

/** A client's start slot and the verification a start creates. */
export interface StartStore {
  /** The client's start slot: the verification that may still block a new start, or a start's claim. */
  pendingForClient(clientId: string): Promise<StartSlot | undefined>;
  /**
   * Claims the client's start slot before iDenfy is called: true when this caller may mint the token.
   * `seen` is the slot as read (undefined: empty); false when anything else changed it meanwhile.
   */
  claimStart(clientId: string, claim: Lease, seen: StartSlot | undefined, now: Date): Promise<boolean>;
  /** Gives the claim up (iDenfy failed): the next start need not wait for the lease. */
  releaseStart(clientId: string, claimId: string): Promise<void>;
  /**
   * Keeps, under the caller's claim, the verification whose token iDenfy already minted but which
   * could not be stored: the next start stores it instead of minting another. False once the claim is lost.
   */
  stashStart(clientId: string, claimId: string, minted: Verification): Promise<boolean>;
  /**
   * Stores a new verification with its session lookups, and points the client's slot at it, atomically;
   * only while `claimId` still holds the slot (else StartConflict).
   */
  create(v: Verification, claimId: string, retentionDays: number, sweepAt: string): Promise<void>;
}

/** The document session's claim and attachment, the sessions' lookups and results. */
export interface SessionStore {
  /**
   * Claims the right to create the document session before iDenfy is called (and notes that the
   * browser came back through the identity step's success link): false when the session exists,
   * another unexpired claim holds it, the verification is no longer PENDING (or erased), or the
   * identity session's recorded result is a denial (final or not), checked in the same write.
   */
  claimDocumentSession(
    verificationId: string,
    identityScanRef: string,
    claim: Lease,
    now: Date,
  ): Promise<boolean>;
  /** Notes the first way the browser came back from the identity step (its link is then used up). */
  markIdentityReturned(verificationId: string, outcome: 'error' | 'unverified'): Promise<void>;
  releaseDocumentSession(verificationId: string, claimId: string): Promise<void>;
  /**
   * Keeps, under the caller's claim, the document session iDenfy already minted but which could not be
   * attached: the next follow of the link attaches it instead of minting another. False once the claim is lost.
   */
  stashDocumentSession(verificationId: string, claimId: string, minted: SessionRef): Promise<boolean>;
  /**
   * Attaches the document session under the caller's claim, once, while the verification is PENDING;
   * returns the stored one when another call won.
   */
  attachDocumentSession(
    verificationId: string,
    session: SessionRef,
    claimId: string,
    retentionDays: number,
    sweepAt: string,
  ): Promise<SessionRef>;
  findSession(scanRef: string): Promise<{ verificationId: string; role: SessionRole } | undefined>;
  /** One conditional write into the session's slot of the verification (written when the session was made). */
  recordResult(
    verificationId: string,
    result: NewResult,
    retentionDays: number,
  ): Promise<{ outcome: RecordOutcome; resultVersion: number }>;
  results(verificationId: string): Promise<SessionResult[]>;
}

/** Decisions, and what is written with them: document bindings, contradictions, notices. */
export interface DecisionStore {
  /**
   * Binds documents (their keyed binding digests) to the verification and its client, then tells
   * whether any of them (under its digest, or the older form of it) is bound to a verification of
   * another client. Refused (VersionConflict) once it is erased.
   */
  bindDocuments(
    verificationId: string,
    clientId: string,
    documents: DocumentBinding[],
    /** Kept as long as the verification: its createdAt and the retention period. */
    retention: { from: string; days: number },
  ): Promise<{ otherClient: boolean }>;
  /** Conditional on the version read: throws VersionConflict when someone else decided first. */
  saveDecision(
    verificationId: string,
    expectedVersion: number,
    decision: DecisionWrite,
  ): Promise<Verification>;
  /**
   * Records a contradicting provider result and its outbox event; VersionConflict when the verification
   * changed meanwhile. Never for an erased verification (VersionConflict too).
   */
  saveProviderResultChange(
    verificationId: string,
    expectedVersion: number,
    change: ProviderResultChange,
    outbox: OutboxEvent,
    sweepAt: string,
    claim: OutboxClaim,
  ): Promise<Verification>;
  /** The expiring-document notice, once; VersionConflict when the verification changed meanwhile. */
  saveExpiringNotice(
    verificationId: string,
    expectedVersion: number,
    outbox: OutboxEvent,
    notifiedAt: string,
    sweepAt: string,
    claim: OutboxClaim,
  ): Promise<Verification>;
}

/** The outbox: a run's claim to publish, and the mark that it is out. */
export interface OutboxStore {
  /**
   * Claims the right to publish an unpublished outbox version for `leaseMs`: false when it is already
   * published or another run holds an unexpired claim. Keeps two racing runs from both publishing.
   */
  claimOutbox(
    verificationId: string,
    version: number,
    runId: string,
    now: Date,
    leaseMs: number,
  ): Promise<boolean>;
  /** Gives a claim up after a failed publish, so a retry need not wait for the lease. */
  releaseOutbox(verificationId: string, runId: string): Promise<void>;
  /** Marks the version published and sets when the sweep next has work for it (null: none). */
  markPublished(verificationId: string, version: number, nextDue: string | null): Promise<void>;
}

/** A person's review with its audit line. */
export interface ReviewStore {
  /** A person's review, with its audit line, atomically; VersionConflict when it is no longer REQUIRES_REVIEW. */
  saveReview(
    verificationId: string,
    expectedVersion: number,
    review: ReviewWrite,
    audit: AuditEntry,
    retentionDays: number,
  ): Promise<void>;
  /**
   * A first approval that waits for a second reviewer, with its audit line, atomically; the version
   * moves on (a review racing it conflicts). VersionConflict when the version moved, it is no longer
   * REQUIRES_REVIEW, or a first approval is there already.
   */
  saveFirstApproval(
    verificationId: string,
    expectedVersion: number,
    approval: FirstApproval,
    audit: AuditEntry,
    retentionDays: number,
  ): Promise<void>;
}

/** A client's list and the review queue. */
export interface ListStore {
  /** A client's verifications, newest first. */
  listByClient(clientId: string, limit: number, after?: Record<string, unknown>): Promise<Page<Verification>>;
  /** The verifications waiting for a person (REQUIRES_REVIEW, not erased), across clients, oldest decision first. */
  listForReview(limit: number, after?: Record<string, unknown>): Promise<Page<Verification>>;
}

/** The sparse sweep index and what the sweep notes. */
export interface SweepStore {
  /** Verifications whose next sweep is due at `now`, oldest due first. */
  dueForSweep(now: Date, limit: number, after?: Record<string, unknown>): Promise<Page<string>>;
  /** Reschedules the sweep if nobody rescheduled it since `seen` was read (compare-and-set). */
  reschedule(verificationId: string, seen: string | undefined, next: string | null): Promise<void>;
  /** Notes the one /status call made for a session (and a running review at iDenfy, if it said so). */
  markReconciled(verificationId: string, scanRef: string, reviewingUntil?: string): Promise<void>;
}

/** Erasure: the personal data removed at once, then iDenfy asked. */
export interface ErasureStore {
  /**
   * Removes the personal data (claimed data, results' document data, report, review notes, document
   * bindings) and writes the erasure and its audit line, atomically, conditional on what it read:
   * `changed` when a review or a binding was written meanwhile (read again and retry), `refused` when
   * it is PENDING or already erased.
   */
  erase(
    verificationId: string,
    erasure: Erasure,
    audit: AuditEntry,
    retentionDays: number,
  ): Promise<'erased' | 'changed' | 'refused'>;
  /** Records the outcome of asking iDenfy to delete one session. */
  saveErasureProgress(verificationId: string, erasure: Erasure): Promise<void>;
}

/** Every part: what an adapter implements. */
export type VerificationRepository = VerificationReads &
  StartStore &
  SessionStore &
  DecisionStore &
  OutboxStore &
  ReviewStore &
  ListStore &
  SweepStore &
  ErasureStore;
