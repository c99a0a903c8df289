/**
 * Use case (comparator): once a verification's results decide it, write the status (version check)
 * and publish the event through the outbox. Safe to run any number of times for the same input.
 */
import { type Decision, type DecisionInput, decide } from '../domain/decide';
import { expiryReasons, OUTBOX_RETRY_MS } from '../domain/lifecycle';
import type { DecisionPolicy } from '../domain/policy';
import { DEFAULT_IDENTITY_DOCUMENT_TYPES, type SessionResult } from '../domain/types';
import { finalizedEvent, providerResultChangedEvent, resultFor } from './events/builders';
import type { DocumentBinding, ProviderResultChange, Snapshot, Verification } from './model';
import { sessionsOf } from './model';
import { type OutboxDeps, outboxClaim, publishOutbox } from './outbox';
import type { DecisionStore, OutboxStore, SessionStore, VerificationReads } from './ports/repository';
import { VersionConflict } from './store-errors';

export interface FinaliseDeps extends OutboxDeps {
  repo: VerificationReads & Pick<SessionStore, 'results'> & DecisionStore & OutboxStore;
  policy: DecisionPolicy;
  /** How long personal data is kept (the document bindings live as long as their verification). */
  retentionDays: number;
  /** Told about each decision written (for metrics). */
  onDecision?: (decision: Decision) => void;
  /** Told when a final result contradicts a decision already made (a metric, an alarm). */
  onProviderResultChanged?: (change: ProviderResultChange) => void;
}

export interface FinaliseOptions {
  /** The sessions' lifetime is over (the sweep says so): what has not decided yet is abandoned. */
  deadlinePassed?: boolean;
}

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
      const outbox = providerResultChangedEvent({ ...v, status: v.status }, results, change);
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
  deps: Pick<FinaliseDeps, 'publisher' | 'now' | 'runId' | 'noticeDays' | 'policy' | 'onDecision'> & {
    repo: Pick<DecisionStore, 'saveDecision'>;
  },
): Promise<Verification> {
  const decidedAt = deps.now().toISOString();
  const outbox = finalizedEvent(v, results, decision, decidedAt, deps.policy.policyVersion);
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
  deps: Pick<FinaliseDeps, 'retentionDays'> & { repo: Pick<DecisionStore, 'bindDocuments'> },
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
async function bindLateDocuments(
  snapshot: Snapshot,
  deps: Pick<FinaliseDeps, 'retentionDays'> & { repo: Pick<DecisionStore, 'bindDocuments'> },
) {
  const { verification: v, results, boundDocuments } = snapshot;
  if (v.erasure) return;
  const unbound = documentsRead(v, results).filter((d) => !boundDocuments.includes(d.digest));
  if (unbound.length === 0) return;
  await bindDocuments(v, results, deps).catch((err: unknown) => {
    // Erased meanwhile: nothing to bind any more.
    if (!(err instanceof VersionConflict)) throw err;
  });
}
