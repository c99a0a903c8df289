/** Webhook Lambda: iDenfy's results. Verify the HMAC over the raw bytes, record, queue, answer 2xx fast. */
import type { Context } from 'aws-lambda';
import { Failure } from '../app/errors';
import { recordWebhook } from '../app/record-webhook';
import { webhookConfig } from '../shared/config';
import { allowList } from '../shared/ip-allow-list';
import { logFailure, logger } from '../shared/logger';
import { count, METRIC } from '../shared/metrics';
import { withTracing } from '../shared/tracing';
import { documentHashKey as hashKey, secrets as idenfySecrets, repository, workQueue } from './composition';
import { ANSWERS, errorResult, type HttpEvent, type HttpResult, header, json, rawBody } from './http';

// Wiring: read once at cold start (a bad variable fails here, naming it), shared by every request.
const config = webhookConfig();
const repo = repository(config);
const queue = workQueue(config);
const secrets = idenfySecrets(config);
const documentHashKey = hashKey(config);
const sourceAllowed = allowList(config.webhookAllowedIps);

async function handle(event: HttpEvent, context?: Context): Promise<HttpResult> {
  if (context) logger.addContext(context);
  try {
    if (!sourceAllowed(event.requestContext?.http?.sourceIp)) {
      throw new Failure('NOT_ALLOWED', 'source address is not on the webhook allow-list');
    }
    const body = rawBody(event);
    if (body.length > config.webhookMaxBytes) {
      throw new Failure('TOO_LARGE', `(body): larger than ${config.webhookMaxBytes} bytes`);
    }
    const [keys, hashKeyValue] = await Promise.all([secrets(), documentHashKey()]);
    const answer = await recordWebhook(
      body,
      header(event, 'idenfy-signature'),
      header(event, 'idenfy-event-type'),
      {
        repo,
        queue,
        signingKey: keys.webhookSigningKey,
        documentHashKey: hashKeyValue,
        now: () => new Date(),
        retentionDays: config.retentionDays,
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
