/**
 * Use case (comparator): once a verification's results decide it, write the status (version check)
 * and publish the event through the outbox. Safe to run any number of times for the same input.
 */
import { type Decision, type DecisionInput, decide } from '../domain/decide';
import { expiryReasons, OUTBOX_RETRY_MS } from '../domain/lifecycle';
import type { DecisionPolicy } from '../domain/policy';
import { DEFAULT_IDENTITY_DOCUMENT_TYPES, type SessionResult } from '../domain/types';
import { backoffMs, sleep } from '../shared/backoff';
import type {
  DocumentBinding,
  EventPublisher,
  OutboxEvent,
  ProviderResultChange,
  Snapshot,
  Verification,
  VerificationRepository,
} from './model';
import { OutboxBusy, PublishRefused, sessionsOf, VersionConflict } from './model';
import { dueAt } from './schedule';

export interface FinaliseDeps {
  repo: VerificationRepository;
  publisher: EventPublisher;
  policy: DecisionPolicy;
  now: () => Date;
  /** Identifies this run's claim on an outbox event. */
  runId: string;
  /** Days before a verified second document's expiry to announce it. */
  noticeDays: number;
  /** How long personal data is kept (the document bindings live as long as their verification). */
  retentionDays: number;
  /** Told about each decision written (for metrics). */
  onDecision?: (decision: Decision) => void;
  /** Told when a final result contradicts a decision already made (a metric, an alarm). */
  onProviderResultChanged?: (change: ProviderResultChange) => void;
  /** Told when an event could not be published now and is left to the sweep (a metric, a log line). */
  onPublishDeferred?: (eventId: string, err: unknown) => void;
}

export interface FinaliseOptions {
  /** The sessions' lifetime is over (the sweep says so): what has not decided yet is abandoned. */
  deadlinePassed?: boolean;
}

/** How long a claim to publish holds: longer than one comparator run (30 s timeout). */
export const OUTBOX_LEASE_MS = 60_000;
/** Publishes of an event the bus refused, within one run, before it is left to the sweep. */
export const PUBLISH_ATTEMPTS = 3;

export type FinaliseOutcome =
  | 'not-found'
  | 'waiting'
  | 'decided'
  | 'republished'
  | 'already-final'
  | 'provider-result-changed';

const MAX_CONFLICTS = 3;

export async function finaliseVerification(
  verificationId: string,
  deps: FinaliseDeps,
  opts: FinaliseOptions = {},
): Promise<FinaliseOutcome> {
  for (let attempt = 1; ; attempt++) {
    // One read: the verification and its results (one partition).
    const snapshot = await deps.repo.snapshot(verificationId);
    if (!snapshot) return 'not-found';
    const { verification: v, results } = snapshot;
    if (v.status !== 'PENDING') {
      // A result that came after the decision read a document too: it is bound like any other.
      await bindLateDocuments(snapshot, deps);
      // Decided before: make sure its event is out (a publish may have failed after the write).
      const republished = await publishOutbox(v, deps);
      // A final result that contradicts the decision: the status stays, subscribers and a person are told.
      const change = providerResultChange(v, results, deps.now());
      if (!change) return republished ? 'republished' : 'already-final';
      const outbox = nextOutboxEvent(v, 'Verification Provider Result Changed', {
        status: v.status,
        previousStatus: v.status,
        reasons: v.reasons,
        sessions: eventSessions(v, results),
        checks: v.checks ?? {},
        decidedAt: v.decidedAt,
        session: change.role,
        overall: change.overall,
        previousOverall: change.previousOverall,
      });
      try {
        const saved = await deps.repo.saveProviderResultChange(
          verificationId,
          v.version,
          change,
          outbox,
          new Date(Date.parse(change.at) + OUTBOX_RETRY_MS).toISOString(),
          outboxClaim(deps),
        );
        deps.onProviderResultChanged?.(change);
        await publishOutbox(saved, deps, true);
        return 'provider-result-changed';
      } catch (err) {
        if (!(err instanceof VersionConflict) || attempt >= MAX_CONFLICTS) throw err;
        continue;
      }
    }
    const identity = resultFor(results, 'IDENTITY', v.identity.scanRef);
    const document = v.document ? resultFor(results, 'DOCUMENT', v.document.scanRef) : undefined;
    const input: DecisionInput = {
      method: v.method,
      claimed: v.claimed,
      allowedDocumentTypes: v.documentTypes,
      allowedIdentityDocumentTypes: v.identityDocumentTypes ?? [...DEFAULT_IDENTITY_DOCUMENT_TYPES],
      identity,
      document,
      documentFaceCheck: v.documentFaceCheck === true,
    };
    let decision: Decision | undefined = decide(input, deps.policy, deps.now());
    if (!decision && opts.deadlinePassed) {
      decision = {
        status: 'EXPIRED',
        reasons: expiryReasons(v.method, identity, document),
        report: { policyVersion: deps.policy.policyVersion, pairs: {} },
        checks: {},
      };
    }
    if (!decision) return 'waiting';
    // Every document iDenfy read is bound to this verification, whatever came of it (a denied one is
    // the strongest signal of all), before the decision is written: an erasure, which needs a
    // decision, always finds them. One already bound to another client's verification is named.
    if (await bindDocuments(v, results, deps)) {
      decision =
        decide({ ...input, documentSeenForAnotherClient: true }, deps.policy, deps.now()) ?? decision;
    }

    try {
      await publishOutbox(await writeDecision(v, results, decision, deps), deps, true);
      return 'decided';
    } catch (err) {
      if (!(err instanceof VersionConflict) || attempt >= MAX_CONFLICTS) throw err;
      // Someone else changed it meanwhile: read again and start over.
    }
  }
}

/**
 * Writes a decision out of PENDING with its `Verification Finalized` event in the outbox, claimed for
 * this run (version-checked: throws VersionConflict when someone else changed the verification since
 * it was read). The caller publishes it.
 */
export async function writeDecision(
  v: Verification,
  results: SessionResult[],
  decision: Decision,
  deps: Pick<FinaliseDeps, 'repo' | 'publisher' | 'now' | 'runId' | 'noticeDays' | 'policy' | 'onDecision'>,
): Promise<Verification> {
  const decidedAt = deps.now().toISOString();
  const outbox = nextOutboxEvent(v, 'Verification Finalized', {
    status: decision.status,
    previousStatus: v.status,
    reasons: decision.reasons,
    policyVersion: deps.policy.policyVersion,
    sessions: eventSessions(v, results),
    checks: decision.checks,
    decidedAt,
  });
  const saved = await deps.repo.saveDecision(v.verificationId, v.version, {
    ...decision,
    decidedAt,
    decidedOn: Object.fromEntries(
      sessionsOf(v).map((s) => [s.scanRef, resultFor(results, s.role, s.scanRef)?.overall ?? null]),
    ),
    outbox,
    expectedDocumentScanRef: v.document?.scanRef ?? null,
    documentExpiresOn:
      decision.status === 'VERIFIED' ? decision.report.documentChecks?.validity?.expiryDate : null,
    // If this run dies before the event is out, the sweep publishes it.
    sweepAt: new Date(Date.parse(decidedAt) + OUTBOX_RETRY_MS).toISOString(),
    // The run that wins the decision owns its publish: no separate claim write.
    claim: outboxClaim(deps),
  });
  deps.onDecision?.(decision);
  return saved;
}

/**
 * A final result that differs from the `overall` the decision was made on (or from the last change
 * already told): DENIED after VERIFIED, APPROVED after a DENIED that rejected. A session that had no
 * result when the decision was made (the other was denied, or both were abandoned) contradicts nothing.
 */
export function providerResultChange(
  v: Verification,
  results: SessionResult[],
  now: Date,
): ProviderResultChange | undefined {
  if (!v.decidedOn || v.erasure) return undefined;
  for (const s of sessionsOf(v)) {
    const r = resultFor(results, s.role, s.scanRef);
    if (!r?.final) continue;
    const told = v.providerResultChanged?.filter((c) => c.scanRef === s.scanRef).at(-1);
    const known = told ? told.overall : (v.decidedOn[s.scanRef] ?? null);
    if (known !== null && r.overall !== known) {
      return {
        role: s.role,
        scanRef: s.scanRef,
        previousOverall: known,
        overall: r.overall,
        at: now.toISOString(),
      };
    }
  }
  return undefined;
}

/** The documents the verification's sessions read: each one's binding digest and its older form. */
function documentsRead(v: Verification, results: SessionResult[]): DocumentBinding[] {
  return sessionsOf(v).flatMap((s) => {
    const d = resultFor(results, s.role, s.scanRef)?.document;
    return d?.documentDigest ? [{ digest: d.documentDigest, legacyDigest: d.legacyDocumentDigest }] : [];
  });
}

/** Binds what the sessions read; true when one of the documents belongs to another client's verification. */
export async function bindDocuments(
  v: Verification,
  results: SessionResult[],
  deps: Pick<FinaliseDeps, 'repo' | 'retentionDays'>,
): Promise<boolean> {
  const documents = documentsRead(v, results);
  if (documents.length === 0) return false;
  const bound = await deps.repo.bindDocuments(v.verificationId, v.clientId, documents, {
    from: v.createdAt,
    days: deps.retentionDays,
  });
  return bound.otherClient;
}

/** After the decision: binds a document a later result read, once (the status does not move). */
async function bindLateDocuments(snapshot: Snapshot, deps: Pick<FinaliseDeps, 'repo' | 'retentionDays'>) {
  const { verification: v, results, boundDocuments } = snapshot;
  if (v.erasure) return;
  const unbound = documentsRead(v, results).filter((d) => !boundDocuments.includes(d.digest));
  if (unbound.length === 0) return;
  await bindDocuments(v, results, deps).catch((err: unknown) => {
    // Erased meanwhile: nothing to bind any more.
    if (!(err instanceof VersionConflict)) throw err;
  });
}

/**
 * Publishes the outbox event if not yet published; true when it published. Throws OutboxBusy (so the
 * message is retried) when another run is publishing it right now. An event the bus refused is tried
 * again at once (it was certainly not published); one that still fails, or whose outcome is unknown
 * (a lost answer), is left to the sweep, which publishes every unpublished event at its `sweepAt`: the
 * decision stands, and the work message need not fail for it (docs/failure-modes.md).
 */
export async function publishOutbox(
  v: Verification,
  deps: Pick<FinaliseDeps, 'repo' | 'publisher' | 'now' | 'runId' | 'noticeDays' | 'onPublishDeferred'>,
  /** The write that created this outbox event also claimed it for this run. */
  claimedByWrite = false,
): Promise<boolean> {
  if (!v.outbox || (v.publishedVersion ?? 0) >= v.outbox.version) return false;
  const claimed =
    claimedByWrite ||
    (await deps.repo.claimOutbox(
      v.verificationId,
      v.outbox.version,
      deps.runId,
      deps.now(),
      OUTBOX_LEASE_MS,
    ));
  if (!claimed) {
    const current = await deps.repo.get(v.verificationId);
    if ((current?.publishedVersion ?? 0) >= v.outbox.version) return false;
    throw new OutboxBusy();
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await deps.publisher.publish(v.outbox);
      break;
    } catch (err) {
      if (err instanceof PublishRefused && attempt < PUBLISH_ATTEMPTS) {
        await sleep(backoffMs(attempt, 100, 1_000));
        continue;
      }
      // The claim goes at once: the sweep (or the next run) need not wait out its lease.
      await deps.repo.releaseOutbox(v.verificationId, deps.runId).catch(() => {});
      deps.onPublishDeferred?.(v.outbox.eventId, err);
      return false;
    }
  }
  await deps.repo.markPublished(v.verificationId, v.outbox.version, dueAt(v, deps.noticeDays));
  return true;
}

/** A verification's next outbox event: the next version, its stable eventId and the detail's common head. */
export function nextOutboxEvent(
  v: Verification,
  detailType: OutboxEvent['detailType'],
  detail: Record<string, unknown>,
): OutboxEvent {
  const version = v.version + 1;
  const eventId = `${v.verificationId}#${version}`;
  return {
    eventId,
    detailType,
    version,
    detail: {
      schemaVersion: 1,
      eventId,
      verificationId: v.verificationId,
      clientId: v.clientId,
      method: v.method,
      ...detail,
    },
  };
}

/** A claim to publish for this run, written with the outbox event. */
export function outboxClaim(deps: Pick<FinaliseDeps, 'runId' | 'now'>) {
  return { runId: deps.runId, until: deps.now().getTime() + OUTBOX_LEASE_MS };
}

export function resultFor(results: SessionResult[], role: SessionResult['role'], scanRef: string) {
  return results.find((r) => r.role === role && r.scanRef === scanRef);
}

/** Session summaries for events: statuses and document type only. */
export function eventSessions(v: Verification, results: SessionResult[]) {
  const identity = resultFor(results, 'IDENTITY', v.identity.scanRef);
  const document = v.document ? resultFor(results, 'DOCUMENT', v.document.scanRef) : undefined;
  return {
    identity: { scanRef: v.identity.scanRef, overall: identity?.overall ?? null },
    document: v.document
      ? {
          scanRef: v.document.scanRef,
          overall: document?.overall ?? null,
          docType: document?.document.documentType ?? null,
        }
      : null,
  };
}
