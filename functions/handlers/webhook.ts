/** Webhook Lambda: iDenfy's results. Verify the HMAC over the raw bytes, record, queue, answer 2xx fast. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { DynamoVerificationRepository } from '../adapters/dynamo-repository';
import { loadDocumentHashKey, loadSecrets } from '../adapters/secrets';
import { SqsWorkQueue } from '../adapters/sqs-work-queue';
import { Failure } from '../app/errors';
import { recordWebhook } from '../app/record-webhook';
import { env } from '../shared/config';
import { ANSWERS, errorResult, type HttpEvent, type HttpResult, header, json, rawBody } from '../shared/http';
import { allowList } from '../shared/ip-allow-list';
import { logFailure, logger } from '../shared/logger';
import { count, METRIC } from '../shared/metrics';
import { traced, withTracing } from '../shared/tracing';

const repo = new DynamoVerificationRepository(traced(new DynamoDBClient({})), env.tableName());
const queue = new SqsWorkQueue(traced(new SQSClient({})), env.queueUrl());
const sourceAllowed = allowList(env.webhookAllowedIps());

async function handle(event: HttpEvent, context?: Context): Promise<HttpResult> {
  if (context) logger.addContext(context);
  try {
    if (!sourceAllowed(event.requestContext?.http?.sourceIp)) {
      throw new Failure('NOT_ALLOWED', 'source address is not on the webhook allow-list');
    }
    const body = rawBody(event);
    if (body.length > env.webhookMaxBytes()) {
      throw new Failure('TOO_LARGE', `(body): larger than ${env.webhookMaxBytes()} bytes`);
    }
    const [secrets, documentHashKey] = await Promise.all([
      loadSecrets(env.secretId()),
      loadDocumentHashKey(env.documentHashSecretId()),
    ]);
    const answer = await recordWebhook(
      body,
      header(event, 'idenfy-signature'),
      header(event, 'idenfy-event-type'),
      {
        repo,
        queue,
        signingKey: secrets.webhookSigningKey,
        documentHashKey,
        now: () => new Date(),
        retentionDays: env.retentionDays(),
      },
    );
    logger.info('webhook', { ...answer });
    count(METRIC.webhooksRecorded, { outcome: answer.status });
    return json(200, answer);
  } catch (err) {
    const result = errorResult(err);
    if (err instanceof Failure) {
      // By reason for the dashboard; in total for the alarm (CloudWatch alarms read one dimension set).
      count(METRIC.webhooksRejected, { reason: ANSWERS[err.kind].code });
      count(METRIC.webhooksRejected);
    }
    logFailure(event.routeKey, err, result.statusCode ?? 500);
    return result;
  }
}

export const handler = withTracing('webhook', handle);
