/**
 * Sweeper Lambda, run on a schedule: abandonment and expiry, outbox retries, erasure retries at iDenfy,
 * expiring-permit notices (functions/app/sweep.ts). What is due is decided at the schedule's time
 * (`event.time`); what it writes (leases, timestamps) carries the real clock, so a run that starts late
 * (a retry, a cold start) never writes a lease that has already run out.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { type SweepReport, sweep } from '../app/sweep';
import { sweeperConfig } from '../shared/config';
import { logger, safeErrorName } from '../shared/logger';
import { recordDecision, recordProviderResultChanged, recordPublishDeferred } from '../shared/metrics';
import { withTracing } from '../shared/tracing';
import { publisher as eventPublisher, idenfyClient, repository } from './composition';

// Wiring: read once at cold start (a bad variable fails here, naming it), shared by every run. Only a
// run that has a silent session or a pending erasure reads the secret (idenfyClient is lazy).
const config = sweeperConfig();
const repo = repository(config);
const publisher = eventPublisher(config);
const idenfy = idenfyClient(config);

/** The EventBridge scheduled event; `time` is when the run was due. */
export interface SweepEvent {
  time?: string;
}

async function handle(event: SweepEvent = {}, context?: Context): Promise<SweepReport> {
  if (context) logger.addContext(context);
  const scheduled = event.time ? new Date(event.time) : new Date();
  const dueBy = Number.isNaN(scheduled.getTime()) ? new Date() : scheduled;
  const report = await sweep(
    {
      repo,
      publisher,
      policy: config.policy,
      now: () => new Date(),
      dueBy,
      runId: randomUUID(),
      noticeDays: config.expiringNoticeDays,
      retentionDays: config.retentionDays,
      onDecision: recordDecision,
      onProviderResultChanged: recordProviderResultChanged,
      onPublishDeferred: recordPublishDeferred,
      idenfy: {
        sessionStatus: async (scanRef) => (await idenfy()).client.sessionStatus(scanRef),
        deleteSession: async (scanRef) => (await idenfy()).client.deleteSession(scanRef),
      },
    },
    {
      onError: (verificationId, err) =>
        logger.warn('sweep failed for a verification; retried next run', {
          verificationId,
          error: safeErrorName(err),
        }),
    },
  );
  logger.info('sweep', { ...report });
  return report;
}

export const handler = withTracing('sweeper', handle);
