/**
 * Token Lambda: the client routes (start, status, list, review, erase), the browser's continue link
 * and health. Thin: parse, one use case, map.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { DynamoVerificationRepository } from '../adapters/dynamo-repository';
import { EventBridgePublisher } from '../adapters/eventbridge-publisher';
import { IdenfyClient } from '../adapters/idenfy-client';
import { loadSecrets } from '../adapters/secrets';
import { cancelVerification } from '../app/cancel-verification';
import { continueVerification } from '../app/continue-verification';
import { eraseVerification } from '../app/erase-verification';
import { Failure } from '../app/errors';
import { getVerificationView } from '../app/get-verification';
import { listVerifications } from '../app/list-verifications';
import { reviewVerification } from '../app/review-verification';
import { startVerification, startView } from '../app/start-verification';
import { env } from '../shared/config';
import {
  errorResult,
  type HttpEvent,
  type HttpResult,
  json,
  parseJsonBody,
  publicBaseUrl,
  rawBody,
  redirect,
} from '../shared/http';
import { logFailure, logger } from '../shared/logger';
import { count, METRIC, recordDecision, recordIdenfyCall } from '../shared/metrics';
import { listQuerySchema, reviewSchema, startVerificationSchema } from '../shared/schemas';
import { traced, withTracing } from '../shared/tracing';

const dynamo = traced(new DynamoDBClient({}));
const repo = new DynamoVerificationRepository(dynamo, env.tableName());
const publisher = new EventBridgePublisher(
  traced(new EventBridgeClient({})),
  env.eventBusName(),
  env.eventSource(),
);
const MAX_BODY_BYTES = 16 * 1024;

function jsonBody(event: HttpEvent): unknown {
  const body = rawBody(event);
  if (body.length > MAX_BODY_BYTES) throw new Failure('TOO_LARGE', '(body): too large');
  return parseJsonBody(body);
}

/** Who called, as API Gateway's authorizer saw it (IAM principal or JWT subject), for the audit trail. */
function caller(event: HttpEvent): string | null {
  const auth = (event.requestContext as { authorizer?: Record<string, Record<string, unknown>> }).authorizer;
  const iam = auth?.iam?.userArn;
  const sub = (auth?.jwt?.claims as Record<string, unknown> | undefined)?.sub;
  return typeof iam === 'string' ? iam : typeof sub === 'string' ? sub : null;
}

async function idenfyAndKeys() {
  const secrets = await loadSecrets(env.secretId());
  const idenfy = new IdenfyClient({
    baseUrl: env.idenfyBaseUrl(),
    apiKey: secrets.apiKey,
    apiSecret: secrets.apiSecret,
    timeoutMs: env.idenfyTimeoutMs(),
    onCall: recordIdenfyCall,
  });
  return { idenfy, continueLinkKey: secrets.continueLinkKey };
}

async function route(event: HttpEvent): Promise<HttpResult> {
  const id = event.pathParameters?.verificationId;
  switch (event.routeKey) {
    case 'GET /health':
      return json(200, { status: 'ok' });
    case 'POST /verifications': {
      const request = startVerificationSchema.parse(jsonBody(event));
      const { idenfy, continueLinkKey } = await idenfyAndKeys();
      const { created, verification } = await startVerification(
        request,
        publicBaseUrl(event, env.publicBaseUrl()),
        {
          repo,
          idenfy,
          continueLinkKey,
          now: () => new Date(),
          newId: randomUUID,
          defaults: {
            ...env.defaultUrls(),
            documentTypes: env.allowedDocumentTypes(),
            identityDocumentTypes: env.identityDocumentTypes(),
            documentFaceCheck: env.documentSessionFaceCheck(),
          },
          tokenExpirySeconds: env.tokenExpirySeconds(),
          retentionDays: env.retentionDays(),
          documentSessionMode: env.documentSessionMode(),
          additionalSteps: env.additionalSteps(),
        },
      );
      logger.info(created ? 'verification started' : 'pending verification returned', {
        verificationId: verification.verificationId,
      });
      if (created) count(METRIC.verificationsStarted, { method: verification.method });
      return json(created ? 201 : 200, startView(verification));
    }
    case 'GET /verifications': {
      const query = listQuerySchema.parse(event.queryStringParameters ?? {});
      return json(200, await listVerifications({ ...query, limit: Number(query.limit) }, repo));
    }
    case 'GET /verifications/{verificationId}':
      return json(200, await getVerificationView(id ?? '', repo));
    case 'POST /verifications/{verificationId}/review': {
      const review = reviewSchema.parse(jsonBody(event));
      const view = await reviewVerification(id ?? '', review, {
        repo,
        publisher,
        now: () => new Date(),
        runId: randomUUID(),
        noticeDays: env.expiringNoticeDays(),
        retentionDays: env.retentionDays(),
      });
      logger.info('verification reviewed', { verificationId: id, status: view.status });
      count(METRIC.reviews, { decision: review.decision });
      return json(200, view);
    }
    case 'POST /verifications/{verificationId}/cancel': {
      const view = await cancelVerification(id ?? '', {
        repo,
        publisher,
        policy: env.policy(),
        now: () => new Date(),
        runId: randomUUID(),
        noticeDays: env.expiringNoticeDays(),
        onDecision: recordDecision,
      });
      logger.info('verification cancelled', { verificationId: id });
      return json(200, view);
    }
    case 'DELETE /verifications/{verificationId}': {
      const { idenfy } = await idenfyAndKeys();
      const answer = await eraseVerification(id ?? '', caller(event), {
        repo,
        idenfy,
        now: () => new Date(),
        retentionDays: env.retentionDays(),
      });
      logger.info('verification erased', { verificationId: id, pending: answer.erasure?.pending });
      count(METRIC.erasures);
      return json(202, answer);
    }
    case 'GET /verifications/{verificationId}/continue': {
      const { idenfy, continueLinkKey } = await idenfyAndKeys();
      const location = await continueVerification(
        id ?? '',
        event.queryStringParameters?.t,
        event.queryStringParameters?.outcome,
        publicBaseUrl(event, env.publicBaseUrl()),
        {
          repo,
          idenfy,
          continueLinkKey,
          now: () => new Date(),
          newId: randomUUID,
          retentionDays: env.retentionDays(),
          tokenExpirySeconds: env.tokenExpirySeconds(),
        },
      );
      return redirect(location);
    }
    default:
      throw new Failure('NOT_FOUND', `no route ${event.routeKey}`);
  }
}

async function handle(event: HttpEvent, context?: Context): Promise<HttpResult> {
  if (context) logger.addContext(context);
  try {
    return await route(event);
  } catch (err) {
    const result = errorResult(err);
    logFailure(event.routeKey, err, result.statusCode ?? 500);
    return result;
  }
}

export const handler = withTracing('token', handle);
