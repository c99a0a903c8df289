/** Comparator Lambda: FIFO batch from the work queue, partial failures reported per message. */
import { randomUUID } from 'node:crypto';
import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoVerificationRepository } from '../adapters/dynamo-repository';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher';
import { finaliseVerification } from '../app/finalise-verification';
import { env } from '../shared/config';
import { logger, safeErrorName } from '../shared/logger';
import { recordDecision, recordProviderResultChanged } from '../shared/metrics';
import { workMessageSchema } from '../shared/schemas';
import { traced, withTracing } from '../shared/tracing';

const repo = new DynamoVerificationRepository(traced(new DynamoDBClient({})), env.tableName());
const publisher = new EventBridgePublisher(
  traced(new EventBridgeClient({})),
  env.eventBusName(),
  env.eventSource(),
);
const policy = env.policy();
const noticeDays = env.expiringNoticeDays();
const retentionDays = env.retentionDays();

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
  return processPartialResponse(event, processRecord, processor, {
    context,
    skipGroupOnError: true,
    // A batch that fails whole is answered like any other: every id in batchItemFailures.
    throwOnFullBatchFailure: false,
  });
}

export const handler = withTracing('comparator', handle);
