/**
 * Use case (scheduled): everything that happens to a verification without a webhook or a request.
 *  - a PENDING verification past its sessions' lifetime: at most one iDenfy /status call per silent
 *    session to reconcile (iDenfy forbids routine polling), then decide or expire it;
 *  - an outbox event whose publish did not finish: publish it;
 *  - an erasure iDenfy refused so far: ask again;
 *  - a verified second document that expires soon: announce it, once.
 * Only verifications in the sparse sweep index are read; each is re-read and changed conditionally,
 * so overlapping runs and racing webhooks are safe.
 */
import {
  daysUntil,
  expiringNoticeAt,
  OUTBOX_RETRY_MS,
  REVIEWING_RECHECK_MS,
  reconcile,
} from '../domain/lifecycle';
import { deleteAtIdenfy } from './erase-verification';
import { documentExpiringEvent, resultFor } from './events/builders';
import { type FinaliseDeps, finaliseVerification } from './finalise-verification';
import type { Verification } from './model';
import { sessionsOf } from './model';
import { outboxClaim, publishOutbox } from './outbox';
import type { VerificationRepository } from './ports/repository';
import type { IdenfyApi } from './ports/services';
import { contentDigest } from './record-webhook';
import { dueAt } from './schedule';
import { VersionConflict } from './store-errors';

export interface SweepDeps extends Omit<FinaliseDeps, 'repo'> {
  /** The sweep does a little of everything: the whole repository. */
  repo: VerificationRepository;
  idenfy: Pick<IdenfyApi, 'sessionStatus' | 'deleteSession'>;
  retentionDays: number;
  /**
   * What is due is decided at this instant (the schedule's time: a run is a function of the table and
   * that instant); leases and timestamps are written with `now()`, the real clock, so a run that starts
   * late never writes a lease that has already expired. Default: now().
   */
  dueBy?: Date;
}

export type SweepOutcome =
  | 'gone'
  | 'published'
  | 'decided'
  | 'expired'
  | 'waiting-for-idenfy-review'
  | 'erasure-retried'
  | 'expiring-notice'
  | 'rescheduled'
  | 'failed';

export interface SweepReport {
  scannedAt: string;
  examined: number;
  outcomes: Partial<Record<SweepOutcome, number>>;
  /** /api/v2/status calls made (at most one per silent session, ever). */
  statusCalls: number;
}

export interface SweepOptions {
  /** Stop after this many verifications; the rest stay due for the next run. */
  maxItems?: number;
  concurrency?: number;
  onError?: (verificationId: string, err: unknown) => void;
}

export async function sweep(deps: SweepDeps, opts: SweepOptions = {}): Promise<SweepReport> {
  const dueBy = deps.dueBy ?? deps.now();
  const maxItems = opts.maxItems ?? 500;
  const report: SweepReport = { scannedAt: dueBy.toISOString(), examined: 0, outcomes: {}, statusCalls: 0 };
  const counted: SweepDeps = {
    ...deps,
    idenfy: {
      deleteSession: (scanRef) => deps.idenfy.deleteSession(scanRef),
      sessionStatus: (scanRef) => {
        report.statusCalls += 1;
        return deps.idenfy.sessionStatus(scanRef);
      },
    },
  };
  let after: Record<string, unknown> | undefined;
  do {
    const page = await deps.repo.dueForSweep(dueBy, Math.min(100, maxItems - report.examined), after);
    after = page.next;
    await inParallel(page.items, opts.concurrency ?? 8, async (id) => {
      report.examined += 1;
      let outcome: SweepOutcome;
      try {
        outcome = await sweepOne(id, counted);
      } catch (err) {
        // One verification's trouble does not stop the others; it stays due and is retried next run.
        opts.onError?.(id, err);
        outcome = 'failed';
      }
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
    });
  } while (after && report.examined < maxItems);
  return report;
}

export async function sweepOne(verificationId: string, deps: SweepDeps): Promise<SweepOutcome> {
  const now = deps.now();
  const v = await deps.repo.get(verificationId);
  if (!v) return 'gone';
  if (v.outbox && (v.publishedVersion ?? 0) < v.outbox.version) {
    await publishOutbox(v, deps);
    return 'published';
  }
  try {
    return await sweepDue(v, deps);
  } catch (err) {
    // Out of the way for a while, so a verification that keeps failing cannot starve the others.
    await deps.repo
      .reschedule(verificationId, v.sweepAt, new Date(now.getTime() + OUTBOX_RETRY_MS).toISOString())
      .catch(() => {});
    throw err;
  }
}

async function sweepDue(v: Verification, deps: SweepDeps): Promise<SweepOutcome> {
  const dueBy = deps.dueBy ?? deps.now();
  const verificationId = v.verificationId;
  const due = dueAt(v, deps.noticeDays);
  if (due === null || Date.parse(due) > dueBy.getTime()) {
    // Not due (yet): an index entry left by an earlier state, or moved by a newer write.
    await deps.repo.reschedule(verificationId, v.sweepAt, due);
    return 'rescheduled';
  }
  if (v.status === 'PENDING') return abandon(v, deps);
  if (v.erasure) {
    await deleteAtIdenfy(v, deps);
    return 'erasure-retried';
  }
  if (v.status === 'VERIFIED' && v.documentExpiresOn && !v.expiringNotifiedAt) {
    return announceExpiring(v, deps);
  }
  await deps.repo.reschedule(verificationId, v.sweepAt, null);
  return 'rescheduled';
}

/** No webhook came in time: ask iDenfy once per silent session, then decide with what is known. */
async function abandon(v: Verification, deps: SweepDeps): Promise<SweepOutcome> {
  const now = deps.now();
  const results = await deps.repo.results(v.verificationId);
  let reviewing = false;
  for (const s of sessionsOf(v)) {
    const known = resultFor(results, s.role, s.scanRef);
    if (known?.final) continue;
    if (v.reconciled?.includes(s.scanRef)) continue;
    const answer = await deps.idenfy.sessionStatus(s.scanRef).catch(() => undefined);
    const meaning = reconcile(answer?.status);
    const reviewingUntil =
      meaning === 'reviewing' ? new Date(now.getTime() + REVIEWING_RECHECK_MS).toISOString() : undefined;
    await deps.repo.markReconciled(v.verificationId, s.scanRef, reviewingUntil);
    if (meaning === 'reviewing') reviewing = true;
    if (meaning === 'result' && answer) {
      // The final webhook was lost: record what /status says, with the data of an earlier non-final
      // result if one came (otherwise none: the fields compare as missing and a person looks).
      const result = {
        scanRef: s.scanRef,
        overall: answer.status,
        final: true,
        eventType: null,
        document: known?.document ?? {},
        additionalStep: known?.additionalStep ?? null,
        face: answer.face ?? known?.face ?? null,
        fraudTags: answer.fraudTags,
        mismatchTags: answer.mismatchTags,
      };
      await deps.repo.recordResult(
        v.verificationId,
        { ...result, digest: contentDigest(result), receivedAt: now.toISOString() },
        deps.retentionDays,
      );
    }
  }
  if (reviewing) return 'waiting-for-idenfy-review';
  const outcome = await finaliseVerification(v.verificationId, deps, { deadlinePassed: true });
  if (outcome !== 'decided') return outcome === 'waiting' ? 'rescheduled' : 'published';
  const after = await deps.repo.get(v.verificationId);
  return after?.status === 'EXPIRED' ? 'expired' : 'decided';
}

async function announceExpiring(v: Verification, deps: SweepDeps): Promise<SweepOutcome> {
  const now = deps.now();
  const expiresOn = v.documentExpiresOn as string;
  const outbox = documentExpiringEvent(v, {
    documentExpiresOn: expiresOn,
    // As of the run's schedule (what made it due), not of the moment it happened to start.
    daysLeft: daysUntil(expiresOn, deps.dueBy ?? now),
    noticeDays: deps.noticeDays,
    noticeDueAt: expiringNoticeAt(expiresOn, deps.noticeDays)?.toISOString() ?? null,
  });
  try {
    const saved = await deps.repo.saveExpiringNotice(
      v.verificationId,
      v.version,
      outbox,
      now.toISOString(),
      new Date(now.getTime() + OUTBOX_RETRY_MS).toISOString(),
      outboxClaim(deps),
    );
    await publishOutbox(saved, deps, true);
    return 'expiring-notice';
  } catch (err) {
    // Changed meanwhile (a review, an erasure): the next run looks again with fresh data.
    if (err instanceof VersionConflict) return 'rescheduled';
    throw err;
  }
}

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  });
  await Promise.all(workers);
}
