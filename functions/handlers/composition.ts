/**
 * The composition root: where the handlers get their adapters. Each adapter is built once per
 * container and shared; the iDenfy client is rebuilt only when the secret's keys change (Powertools
 * caches the secret for five minutes, so a rotation is picked up without a deploy). Configuration is
 * read by each handler at cold start (`shared/config.ts`) and passed in here.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoVerificationRepository } from '../adapters/dynamo-repository';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher';
import { IdenfyClient } from '../adapters/idenfy-client';
import { loadDocumentHashKey, loadSecrets } from '../adapters/secrets';
import { SqsWorkQueue } from '../adapters/sqs-work-queue';
import type { IdenfySecrets } from '../app/ports/services';
import { recordIdenfyCall } from '../shared/metrics';
import { traced } from '../shared/tracing';

/**
 * The SDK's retries (docs/failure-modes.md): adaptive, so a throttled client slows itself down instead
 * of retrying in step with every other caller; a few attempts for the store and the queue, whose writes
 * are conditional or deduplicated (a retry of a write whose answer was lost is safe). PutEvents has no
 * idempotency: a retry after a lost answer publishes twice, so it gets fewer, and the outbox keeps what
 * is not out.
 */
const STORE_RETRIES = { retryMode: 'adaptive', maxAttempts: 5 } as const;
const BUS_RETRIES = { retryMode: 'adaptive', maxAttempts: 2 } as const;

export function repository(config: { tableName: string }) {
  return new DynamoVerificationRepository(traced(new DynamoDBClient(STORE_RETRIES)), config.tableName);
}

export function publisher(config: { eventBusName: string; eventSource: string }) {
  return new EventBridgePublisher(
    traced(new EventBridgeClient(BUS_RETRIES)),
    config.eventBusName,
    config.eventSource,
  );
}

export function workQueue(config: { queueUrl: string }) {
  return new SqsWorkQueue(traced(new SQSClient(STORE_RETRIES)), config.queueUrl);
}

/** iDenfy's keys and ours (the continue-link key), as the secret holds them now. */
export function secrets(config: { secretId: string }): () => Promise<IdenfySecrets> {
  return () => loadSecrets(config.secretId);
}

export function documentHashKey(config: { documentHashSecretId: string }): () => Promise<string> {
  return () => loadDocumentHashKey(config.documentHashSecretId);
}

/** The iDenfy client for the current keys: one per key pair, reused across requests. */
export function idenfyClient(config: { secretId: string; idenfyBaseUrl: string; idenfyTimeoutMs: number }) {
  const read = secrets(config);
  let current: { keys: string; client: IdenfyClient } | undefined;
  return async (): Promise<{ client: IdenfyClient; keys: IdenfySecrets }> => {
    const keys = await read();
    const id = `${keys.apiKey}:${keys.apiSecret}`;
    if (current?.keys !== id) {
      current = {
        keys: id,
        client: new IdenfyClient({
          baseUrl: config.idenfyBaseUrl,
          apiKey: keys.apiKey,
          apiSecret: keys.apiSecret,
          timeoutMs: config.idenfyTimeoutMs,
          onCall: recordIdenfyCall,
        }),
      };
    }
    return { client: current.client, keys };
  };
}
