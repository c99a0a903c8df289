/**
 * Use case: the client cancels a PENDING verification (docs/architecture.md §3). It becomes EXPIRED with
 * reason CANCELLED, publishes `Verification Finalized` like any decision, and the client may start
 * afresh at once (its start slot points at a verification that is no longer pending).
 */
import { invalidState, notFound } from './errors';
import { bindDocuments, type FinaliseDeps, writeDecision } from './finalise-verification';
import { getVerificationView } from './get-verification';
import { publishOutbox } from './outbox';
import { VersionConflict } from './store-errors';

export type CancelDeps = Pick<
  FinaliseDeps,
  | 'repo'
  | 'publisher'
  | 'now'
  | 'runId'
  | 'noticeDays'
  | 'policy'
  | 'onDecision'
  | 'retentionDays'
  | 'onPublishDeferred'
>;

/** A webhook or a comparator run may change the verification between our read and our write. */
const MAX_CONFLICTS = 3;

export async function cancelVerification(verificationId: string, deps: CancelDeps) {
  for (let attempt = 1; ; attempt++) {
    const snapshot = await deps.repo.snapshot(verificationId);
    if (!snapshot) throw notFound('verification');
    const { verification: v, results } = snapshot;
    if (v.status !== 'PENDING') {
      throw invalidState(`status is ${v.status}: only a PENDING verification can be cancelled`);
    }
    let saved: Awaited<ReturnType<typeof writeDecision>>;
    try {
      // A document already read stays bound though the verification is cancelled (docs/decisions.md, document integrity).
      await bindDocuments(v, results, deps);
      saved = await writeDecision(
        v,
        results,
        {
          status: 'EXPIRED',
          reasons: ['CANCELLED'],
          report: { policyVersion: deps.policy.policyVersion, pairs: {} },
          checks: {},
        },
        deps,
      );
    } catch (err) {
      // Decided meanwhile: the next read answers 409 with its status; changed otherwise: try again.
      if (!(err instanceof VersionConflict) || attempt >= MAX_CONFLICTS) throw err;
      continue;
    }
    // The cancellation stands even if the publish fails now: the sweep retries the outbox.
    await publishOutbox(saved, deps, true).catch(() => false);
    return getVerificationView(verificationId, deps.repo);
  }
}
