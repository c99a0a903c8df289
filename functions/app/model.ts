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
  /** Until when the token can be started (set for document sessions; the verification's for identity). */
  expiresAt?: string;
}

export interface FinalUrls {
  successUrl: string;
  errorUrl: string;
  unverifiedUrl: string;
}

/** An event waiting to be (or already) published for a status version: the outbox. */
export interface OutboxEvent {
  eventId: string;
  detailType:
    | 'Verification Finalized'
    | 'Verification Reviewed'
    | 'Verification Document Expiring'
    | 'Verification Provider Result Changed';
  detail: Record<string, unknown>;
  version: number;
}

/** iDenfy sent a final result for a session that differs from the one the decision was made on. */
export interface ProviderResultChange {
  role: SessionRole;
  scanRef: string;
  previousOverall: string | null;
  overall: string;
  at: string;
}

export interface Verification {
  verificationId: string;
  clientId: string;
  method: Method;
  status: Status;
  reasons: ReasonCode[];
  claimed: PersonData;
  documentTypes: string[];
  /** Types the identity session may read (absent on verifications started before the second round). */
  identityDocumentTypes?: string[];
  /** iDenfy sandbox outcomes asked for at start (a stack configured for the sandbox only: the smoke test). */
  sandbox?: { identity: string; document?: string };
  /** The second session is an IDENTIFICATION session whose face verdict the decision requires (config at start). */
  documentFaceCheck?: boolean;
  /** Each session's `overall` the decision was made on (scanRef → overall; null: no result then). */
  decidedOn?: Record<string, string | null>;
  /** Final results from iDenfy that contradicted the decision after it was made (the status did not move). */
  providerResultChanged?: ProviderResultChange[];
  finalUrls: FinalUrls;
  locale?: string;
  identity: SessionRef;
  /**
   * How the browser came back from the identity step through its continue link (the first time):
   * that step's link is used up, whatever its outcome.
   */
  identityReturn?: 'success' | 'error' | 'unverified';
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
  /** Sessions the sweep already asked iDenfy about (at most one /status call each). */
  reconciled?: string[];
  /** iDenfy's /status said a manual review is running: wait until then before expiring. */
  reviewingUntil?: string;
  /** The verified second document's expiry date (YYYY-MM-DD), for the expiring-permit notice. */
  documentExpiresOn?: string;
  expiringNotifiedAt?: string;
  erasure?: Erasure;
  /** When the sweep next has work for it (absent: none). */
  sweepAt?: string;
}

export type IdenfyErasureState = 'PENDING' | 'DELETED' | 'NOT_FOUND';

export interface Erasure {
  requestedAt: string;
  requestedBy: string | null;
  /** What our table no longer holds. */
  erased: string[];
  /** iDenfy's copy, per session (scanRef). */
  idenfy: Record<
    string,
    { role: SessionRole; state: IdenfyErasureState; attempts: number; lastError?: string }
  >;
  /** When the sweep asks iDenfy again (null once nothing is pending). */
  nextAttemptAt: string | null;
}

/** One line of the append-only audit trail of a verification. */
export interface AuditEntry {
  at: string;
  action: 'REVIEWED' | 'ERASURE_REQUESTED';
  /** The caller's authenticated principal (IAM ARN or JWT subject); null locally, where nothing authenticates. */
  by: string | null;
  /** A review's display name for the reviewer, as the request gave it (not proof of who called). */
  reviewer?: string;
  from?: { status: Status; reasons: ReasonCode[] };
  to?: { status: Status; reasons: ReasonCode[] };
  /** The reviewer's note; redacted (null) by an erasure, which may not keep what it said about the person. */
  note?: string | null;
}

/** `unknown`: the verification has no such session (not ours, or not this verification's). */
export type RecordOutcome = 'recorded' | 'duplicate' | 'superseded' | 'erased' | 'unknown';

/** A session result to record; its role is the one the session was created with. */
export interface NewResult extends Omit<SessionResult, 'resultVersion' | 'role'> {
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
  /** Each session's `overall` the decision was made on. */
  decidedOn: Record<string, string | null>;
  /** The document session the decision was made without/with: a session attached meanwhile is a conflict. */
  expectedDocumentScanRef: string | null;
  documentExpiresOn?: string | null;
  /** When the sweep should retry the publish if this run dies before it (cleared by markPublished). */
  sweepAt: string;
  /** The writer's claim to publish the new outbox event (saves a separate claim write). */
  claim: OutboxClaim;
}

export interface OutboxClaim {
  runId: string;
  /** Epoch ms until which the claim holds. */
  until: number;
}

export interface ReviewWrite {
  status: FinalStatus;
  reasons: ReasonCode[];
  updatedAt: string;
  outbox: OutboxEvent;
  sweepAt: string;
  claim: OutboxClaim;
}

export interface Page<T> {
  items: T[];
  /** Opaque position after the last item; absent on the last page. */
  next?: Record<string, unknown>;
}

export interface VerificationRepository {
  get(verificationId: string): Promise<Verification | undefined>;
  /** The verification, its results, its audit trail and the documents it bound, in one read. */
  snapshot(verificationId: string): Promise<Snapshot | undefined>;
  /** A client's verifications, newest first. */
  listByClient(clientId: string, limit: number, after?: Record<string, unknown>): Promise<Page<Verification>>;
  /** The verifications waiting for a person (REQUIRES_REVIEW, not erased), across clients, oldest decision first. */
  listForReview(limit: number, after?: Record<string, unknown>): Promise<Page<Verification>>;
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
  /** A person's review, with its audit line, atomically; VersionConflict when it is no longer REQUIRES_REVIEW. */
  saveReview(
    verificationId: string,
    expectedVersion: number,
    review: ReviewWrite,
    audit: AuditEntry,
    retentionDays: number,
  ): Promise<void>;
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
  /** Reschedules the sweep if nobody rescheduled it since `seen` was read (compare-and-set). */
  reschedule(verificationId: string, seen: string | undefined, next: string | null): Promise<void>;
  /** Notes the one /status call made for a session (and a running review at iDenfy, if it said so). */
  markReconciled(verificationId: string, scanRef: string, reviewingUntil?: string): Promise<void>;
  /** Verifications whose next sweep is due at `now`, oldest due first. */
  dueForSweep(now: Date, limit: number, after?: Record<string, unknown>): Promise<Page<string>>;
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

/** What one read of a verification's partition holds. */
export interface Snapshot {
  verification: Verification;
  results: SessionResult[];
  audit: AuditEntry[];
  /** The binding digests this verification already bound. */
  boundDocuments: string[];
  /** A continue link's claim on the document session, with the session it minted if one is waiting to be attached. */
  documentClaim?: Lease & { minted?: SessionRef };
}

/** A document to bind: its binding digest, and the older digest bindings written before may carry. */
export interface DocumentBinding {
  digest: string;
  legacyDigest?: string | null;
}

/** A claim on a slot while iDenfy is called: it lapses on its own if the caller dies. */
export interface Lease {
  id: string;
  /** Epoch ms. */
  until: number;
}

/** The client's start slot: a verification (perhaps no longer pending), or a start in progress. */
export type StartSlot =
  | { verificationId: string; claim?: undefined }
  | { verificationId?: undefined; claim: Lease & { minted?: Verification } };

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

/** A list cursor that this API did not hand out for this client. */
export class InvalidCursor extends Error {
  constructor() {
    super('cursor: not a cursor of this list');
    this.name = 'InvalidCursor';
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
  /**
   * Throws when the event was not accepted: PublishRefused when the bus said so (FailedEntryCount > 0:
   * it was not published), anything else when the outcome is unknown (a lost answer may have been published).
   */
  publish(event: OutboxEvent): Promise<void>;
}

/** The bus refused the event (an entry failed): it was certainly not published, so it may be tried again at once. */
export class PublishRefused extends Error {
  constructor(reason: string) {
    super(`PutEvents refused the event: ${reason}`);
    this.name = 'PublishRefused';
  }
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
  /** iDenfy's additional-step configuration (docs/idenfy-api.md §6); the account default when absent. */
  additionalSteps?: Record<string, unknown>;
  /** iDenfy's sandbox outcome: the session ends at once with it, without a person (DEV keys only). */
  dummyStatus?: string;
}

export interface IdenfyApi {
  createToken(request: TokenRequest): Promise<{ scanRef: string; authToken: string; redirectUrl: string }>;
  /** iDenfy's /api/v2/status of a session (APPROVED, DENIED, SUSPECTED, REVIEWING, ACTIVE, EXPIRED, …). */
  sessionStatus(
    scanRef: string,
  ): Promise<{ status: string; fraudTags: string[]; mismatchTags: string[]; face?: string | null }>;
  /** Asks iDenfy to delete a session: `not-yet` while its token can still be used. */
  deleteSession(scanRef: string): Promise<'deleted' | 'not-found' | 'not-yet'>;
}

export interface IdenfySecrets {
  apiKey: string;
  apiSecret: string;
  webhookSigningKey: string;
  continueLinkKey: string;
}

/** A verification's iDenfy sessions, each with its role: the one place the list and the roles are made. */
export function sessionsOf(
  v: Pick<Verification, 'identity' | 'document'>,
): (SessionRef & { role: SessionRole })[] {
  return [
    { ...v.identity, role: 'IDENTITY' },
    ...(v.document ? [{ ...v.document, role: 'DOCUMENT' as const }] : []),
  ];
}
