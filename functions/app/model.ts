/** What the application stores about a verification and the ports (adapters) it works through. */
import type {
  FinalStatus,
  MatchReport,
  Method,
  PersonData,
  PublicChecks,
  ReasonCode,
  SessionResult,
  SessionRole,
  Status,
} from '../domain/types';

export interface SessionRef {
  scanRef: string;
  authToken: string;
  /** iDenfy's hosted flow for this session. */
  redirectUrl: string;
  createdAt: string;
}

export interface FinalUrls {
  successUrl: string;
  errorUrl: string;
  unverifiedUrl: string;
}

/** An event waiting to be (or already) published for a status version: the outbox. */
export interface OutboxEvent {
  eventId: string;
  detailType: 'Verification Finalized' | 'Verification Reviewed';
  detail: Record<string, unknown>;
  version: number;
}

export interface Verification {
  verificationId: string;
  clientId: string;
  method: Method;
  status: Status;
  reasons: ReasonCode[];
  claimed: PersonData;
  documentTypes: string[];
  finalUrls: FinalUrls;
  locale?: string;
  identity: SessionRef;
  document?: SessionRef;
  /** Optimistic-lock counter: every status change increments it. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Until when the identity token can be started (a second start returns this verification meanwhile). */
  expiresAt: string;
  decidedAt?: string;
  report?: MatchReport;
  checks?: PublicChecks;
  outbox?: OutboxEvent;
  /** The outbox version already published (at-least-once: a retry republishes only an unpublished version). */
  publishedVersion?: number;
}

export type RecordOutcome = 'recorded' | 'duplicate' | 'superseded';

export interface NewResult extends Omit<SessionResult, 'resultVersion'> {
  /** SHA-256 of the raw webhook body: exact duplicates and replays are recognised by it. */
  digest: string;
  receivedAt: string;
}

export interface DecisionWrite {
  status: FinalStatus;
  reasons: ReasonCode[];
  report: MatchReport;
  checks: PublicChecks;
  decidedAt: string;
  outbox: OutboxEvent;
}

export interface VerificationRepository {
  get(verificationId: string): Promise<Verification | undefined>;
  /** The client's verification that still blocks a new start, if any. */
  pendingForClient(clientId: string): Promise<{ verificationId: string } | undefined>;
  /**
   * Stores a new verification with its session lookups, atomically. `replacing` is the pending
   * verification id read before (or null): if another start won meanwhile, throws StartConflict.
   */
  create(v: Verification, replacing: string | null, retentionDays: number): Promise<void>;
  /** Attaches the document session once; returns the stored one when another call won. */
  attachDocumentSession(
    verificationId: string,
    session: SessionRef,
    retentionDays: number,
  ): Promise<SessionRef>;
  findSession(scanRef: string): Promise<{ verificationId: string; role: SessionRole } | undefined>;
  recordResult(
    verificationId: string,
    result: NewResult,
    retentionDays: number,
  ): Promise<{ outcome: RecordOutcome; resultVersion: number }>;
  results(verificationId: string): Promise<SessionResult[]>;
  /** Conditional on the version read: throws VersionConflict when someone else decided first. */
  saveDecision(
    verificationId: string,
    expectedVersion: number,
    decision: DecisionWrite,
  ): Promise<Verification>;
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
  markPublished(verificationId: string, version: number): Promise<void>;
}

export class StartConflict extends Error {
  constructor() {
    super('another verification was started for this client meanwhile');
    this.name = 'StartConflict';
  }
}

/** Another run is publishing this verification's event: retry later (it may crash before it is out). */
export class OutboxBusy extends Error {
  constructor() {
    super('another run is publishing this event');
    this.name = 'OutboxBusy';
  }
}

export class VersionConflict extends Error {
  constructor() {
    super('the verification changed meanwhile');
    this.name = 'VersionConflict';
  }
}

export interface WorkQueue {
  /** Asks the comparator to look at a verification; deduplicated per recorded result. */
  send(verificationId: string, deduplicationId: string): Promise<void>;
}

export interface EventPublisher {
  /** Throws when the event was not accepted (including FailedEntryCount > 0). */
  publish(event: OutboxEvent): Promise<void>;
}

export interface TokenRequest {
  clientId: string;
  tokenType: 'IDENTIFICATION' | 'DOCUMENT';
  externalRef: string;
  callbackUrl: string;
  successUrl: string;
  errorUrl: string;
  unverifiedUrl: string;
  firstName?: string;
  lastName?: string;
  dateOfBirth?: string;
  documents?: string[];
  locale?: string;
  expiryTime?: number;
}

export interface IdenfyApi {
  createToken(request: TokenRequest): Promise<{ scanRef: string; authToken: string; redirectUrl: string }>;
}

export interface IdenfySecrets {
  apiKey: string;
  apiSecret: string;
  webhookSigningKey: string;
  continueLinkKey: string;
}
