/** Comparator Lambda: FIFO batch from the work queue, partial failures reported per message. */
import { randomUUID } from 'node:crypto';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { finaliseVerification } from '../app/finalise-verification';
import { comparatorConfig } from '../shared/config';
import { logger, safeErrorName } from '../shared/logger';
import { recordDecision, recordProviderResultChanged, recordPublishDeferred } from '../shared/metrics';
import { workMessageSchema } from '../shared/schemas';
import { withTracing } from '../shared/tracing';
import { publisher as eventPublisher, repository } from './composition';

// Wiring: read once at cold start (a bad variable fails here, naming it), shared by every batch.
const config = comparatorConfig();
const repo = repository(config);
const publisher = eventPublisher(config);
const { policy, retentionDays, expiringNoticeDays: noticeDays } = config;

async function processRecord(record: SQSRecord): Promise<void> {
  const { verificationId } = workMessageSchema.parse(JSON.parse(record.body));
  try {
    const outcome = await finaliseVerification(verificationId, {
      repo,
      publisher,
      policy,
      now: () => new Date(),
      // Per run, not per message: a redelivered message may race the run that timed out on it.
      runId: randomUUID(),
      noticeDays,
      retentionDays,
      onDecision: recordDecision,
      onProviderResultChanged: recordProviderResultChanged,
      onPublishDeferred: recordPublishDeferred,
    });
    logger.info('comparator', { verificationId, outcome });
  } catch (err) {
    logger.warn('comparator failed; the message will be retried', {
      verificationId,
      error: safeErrorName(err),
    });
    throw err;
  }
}

async function handle(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  if (context) logger.addContext(context);
  // One processor per invocation (it holds the batch's state), so the handler is safe to run
  // concurrently in one process, as local mode's pollers do. Failures skip only their own group.
  const processor = new SqsFifoPartialProcessorAsync();
  return await processPartialResponse(event, processRecord, processor, {
    context,
    skipGroupOnError: true,
    // A batch that fails whole is answered like any other: every id in batchItemFailures.
    throwOnFullBatchFailure: false,
  });
}

export const handler = withTracing('comparator', handle);
