/**
 * The outbox: each status version's event is written with the status, claimed by the run that wrote
 * it, then published; a publish that does not finish is left to the sweep (docs/failure-modes.md).
 */
import { backoffMs, sleep } from '../shared/backoff';
import type { Verification } from './model';
import type { OutboxStore, VerificationReads } from './ports/repository';
import type { EventPublisher } from './ports/services';
import { dueAt } from './schedule';
import { OutboxBusy, PublishRefused } from './store-errors';

/** What publishing the outbox needs: the store's outbox, the bus, the clock, this run's id. */
export interface OutboxDeps {
  repo: Pick<VerificationReads, 'get'> & OutboxStore;
  publisher: EventPublisher;
  now: () => Date;
  /** Identifies this run's claim on an outbox event. */
  runId: string;
  /** Days before a verified second document's expiry to announce it (the next sweep time). */
  noticeDays: number;
  /** Told when an event could not be published now and is left to the sweep (a metric, a log line). */
  onPublishDeferred?: (eventId: string, err: unknown) => void;
}

/** How long a claim to publish holds: longer than one comparator run (30 s timeout). */
export const OUTBOX_LEASE_MS = 60_000;
/** Publishes of an event the bus refused, within one run, before it is left to the sweep. */
export const PUBLISH_ATTEMPTS = 3;

/**
 * Publishes the outbox event if not yet published; true when it published. Throws OutboxBusy (so the
 * message is retried) when another run is publishing it right now. An event the bus refused is tried
 * again at once (it was certainly not published); one that still fails, or whose outcome is unknown
 * (a lost answer), is left to the sweep, which publishes every unpublished event at its `sweepAt`: the
 * decision stands, and the work message need not fail for it (docs/failure-modes.md).
 */
export async function publishOutbox(
  v: Verification,
  deps: OutboxDeps,
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

/** A claim to publish for this run, written with the outbox event. */
export function outboxClaim(deps: Pick<OutboxDeps, 'runId' | 'now'>) {
  return { runId: deps.runId, until: deps.now().getTime() + OUTBOX_LEASE_MS };
}
