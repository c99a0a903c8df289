/**
 * Token Lambda: the client routes (start, status, continue) and health. Thin: parse, one use case, map.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { DynamoVerificationRepository } from '../adapters/dynamo-repository';
import { IdenfyClient } from '../adapters/idenfy-client';
import { loadSecrets } from '../adapters/secrets';
import { continueVerification } from '../app/continue-verification';
import { getVerification } from '../app/get-verification';
import { startVerification, startView } from '../app/start-verification';
import { env } from '../shared/config';
import { HttpError } from '../shared/errors';
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
import { startVerificationSchema } from '../shared/schemas';

const dynamo = new DynamoDBClient({});
const repo = new DynamoVerificationRepository(dynamo, env.tableName());
const MAX_START_BODY_BYTES = 16 * 1024;

async function idenfyAndKeys() {
  const secrets = await loadSecrets(env.secretId());
  const idenfy = new IdenfyClient({
    baseUrl: env.idenfyBaseUrl(),
    apiKey: secrets.apiKey,
    apiSecret: secrets.apiSecret,
    timeoutMs: env.idenfyTimeoutMs(),
  });
  return { idenfy, continueLinkKey: secrets.continueLinkKey };
}

async function route(event: HttpEvent): Promise<HttpResult> {
  const id = event.pathParameters?.verificationId;
  switch (event.routeKey) {
    case 'GET /health':
      return json(200, { status: 'ok' });
    case 'POST /verifications': {
      const body = rawBody(event);
      if (body.length > MAX_START_BODY_BYTES)
        throw new HttpError(413, 'PAYLOAD_TOO_LARGE', '(body): too large');
      const request = startVerificationSchema.parse(parseJsonBody(body));
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
          defaults: { ...env.defaultUrls(), documentTypes: env.allowedDocumentTypes() },
          tokenExpirySeconds: env.tokenExpirySeconds(),
          retentionDays: env.retentionDays(),
          documentSessionMode: env.documentSessionMode(),
        },
      );
      logger.info(created ? 'verification started' : 'pending verification returned', {
        verificationId: verification.verificationId,
      });
      return json(created ? 201 : 200, startView(verification));
    }
    case 'GET /verifications/{verificationId}':
      return json(200, await getVerification(id ?? '', repo));
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
          retentionDays: env.retentionDays(),
          tokenExpirySeconds: env.tokenExpirySeconds(),
        },
      );
      return redirect(location);
    }
    default:
      throw new HttpError(404, 'NOT_FOUND', `no route ${event.routeKey}`);
  }
}

export async function handler(event: HttpEvent, context?: Context): Promise<HttpResult> {
  if (context) logger.addContext(context);
  try {
    return await route(event);
  } catch (err) {
    const result = errorResult(err);
    logFailure(event.routeKey, err, result.statusCode ?? 500);
    return result;
  }
}
