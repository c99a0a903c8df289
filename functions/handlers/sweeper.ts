/**
 * Sweeper Lambda, run on a schedule: abandonment and expiry, outbox retries, erasure retries at iDenfy,
 * expiring-permit notices (functions/app/sweep.ts). Its clock is the schedule's time (`event.time`),
 * so a run is a pure function of the table, iDenfy's answers and that instant.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { DynamoVerificationRepository } from '../adapters/dynamo-repository';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher';
import { IdenfyClient } from '../adapters/idenfy-client';
import { loadSecrets } from '../adapters/secrets';
import { type SweepReport, sweep } from '../app/sweep';
import { env } from '../shared/config';
import { logger, safeErrorName } from '../shared/logger';
import { recordDecision, recordIdenfyCall, recordProviderResultChanged } from '../shared/metrics';
import { traced, withTracing } from '../shared/tracing';

const repo = new DynamoVerificationRepository(traced(new DynamoDBClient({})), env.tableName());
const publisher = new EventBridgePublisher(
  traced(new EventBridgeClient({})),
  env.eventBusName(),
  env.eventSource(),
);
const policy = env.policy();

/** Only a run that has a silent session or a pending erasure reads the secret. */
let client: Promise<IdenfyClient> | undefined;
function idenfy(): Promise<IdenfyClient> {
  client ??= loadSecrets(env.secretId()).then(
    (s) =>
      new IdenfyClient({
        baseUrl: env.idenfyBaseUrl(),
        apiKey: s.apiKey,
        apiSecret: s.apiSecret,
        timeoutMs: env.idenfyTimeoutMs(),
        onCall: recordIdenfyCall,
      }),
  );
  client.catch(() => {
    client = undefined;
  });
  return client;
}

/** The EventBridge scheduled event; `time` is when the run was due. */
export interface SweepEvent {
  time?: string;
}

async function handle(event: SweepEvent = {}, context?: Context): Promise<SweepReport> {
  if (context) logger.addContext(context);
  const at = event.time ? new Date(event.time) : new Date();
  const now = Number.isNaN(at.getTime()) ? new Date() : at;
  const report = await sweep(
    {
      repo,
      publisher,
      policy,
      now: () => now,
      runId: randomUUID(),
      noticeDays: env.expiringNoticeDays(),
      retentionDays: env.retentionDays(),
      onDecision: recordDecision,
      onProviderResultChanged: recordProviderResultChanged,
      idenfy: {
        sessionStatus: async (scanRef) => (await idenfy()).sessionStatus(scanRef),
        deleteSession: async (scanRef) => (await idenfy()).deleteSession(scanRef),
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
