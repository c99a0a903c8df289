/**
 * What the application stores about a verification: the record, its sessions, its outbox, its audit
 * lines and the writes that change it. The ports it is read and written through are in ports/; the
 * ways a write can be refused, in store-errors.ts.
 */
import type { PlanRef, StepRef } from '../domain/plans';
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
import type { OutboxEvent } from './events/outbox-event';

export type { OutboxEvent };

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
  /** Types the identity session may read (absent on verifications written before it was recorded: the default then). */
  identityDocumentTypes?: string[];
  /** A first approval waiting for a second, different reviewer (`secondApprovalReasons`). */
  firstApproval?: FirstApproval;
  /** The plan it started with (absent: written before plans, its method's built-in plan, version 1). */
  plan?: PlanRef;
  /** Its plan's steps, ids and kinds, as they were when it started (absent: written before plans). */
  planSteps?: StepRef[];
  /** iDenfy's additional steps on the document session, from the plan (a proof of address, …). */
  documentAdditionalSteps?: Record<string, unknown>;
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

/** The first of two approvals a risky review needs (`secondApprovalReasons`): who gave it, and when. */
export interface FirstApproval {
  /** The authenticated principal; null locally, where the display name stands for it. */
  by: string | null;
  reviewer: string;
  at: string;
}

/** One line of the append-only audit trail of a verification. */
export interface AuditEntry {
  at: string;
  /** APPROVAL_RECORDED: a first approval that waits for a second, different reviewer (the status stays). */
  action: 'REVIEWED' | 'APPROVAL_RECORDED' | 'ERASURE_REQUESTED';
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

/** A verification's iDenfy sessions, each with its role: the one place the list and the roles are made. */
export function sessionsOf(
  v: Pick<Verification, 'identity' | 'document'>,
): (SessionRef & { role: SessionRole })[] {
  return [
    { ...v.identity, role: 'IDENTITY' },
    ...(v.document ? [{ ...v.document, role: 'DOCUMENT' as const }] : []),
  ];
}
