/**
 * Token Lambda: the client routes (start, status, list, review, cancel, erase), the browser's continue
 * link and health. Wiring first (configuration and adapters, once per container), then one small
 * function per route: parse, one use case, answer.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { continueVerification } from '../app/continue-verification';
import { eraseVerification } from '../app/erase-verification';
import { Failure } from '../app/errors';
import { getVerificationView } from '../app/get-verification';
import { parseJsonBody } from '../app/json-body';
import { listVerifications } from '../app/list-verifications';
import { startVerification, startView } from '../app/start-verification';
import { tokenConfig } from '../shared/config';
import { logFailure, logger } from '../shared/logger';
import { count, METRIC, recordDecision, recordPublishDeferred } from '../shared/metrics';
import { listQuerySchema, reviewSchema, startVerificationSchema } from '../shared/schemas';
import { withTracing } from '../shared/tracing';
import { browserErrorPage } from './browser-page';
import { publisher as eventPublisher, idenfyClient, repository } from './composition';
import {
  errorResult,
  type HttpEvent,
  type HttpResult,
  json,
  publicBaseUrl,
  rawBody,
  redirect,
  requireJson,
} from './http';

/**
 * The use cases that decide (cancel, review) bring the decision code (name matching, transliteration
 * tables): loaded when first used, so a cold start that serves a start, a continue or a read does not
 * evaluate them (docs/benchmarks.md: cold init).
 */
const onFirstUse = <T>(load: () => Promise<T>) => {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
};
const cancelling = onFirstUse(() => import('../app/cancel-verification'));
const reviewing = onFirstUse(() => import('../app/review-verification'));

// Wiring: read once at cold start (a bad variable fails here, naming it), shared by every request.
const config = tokenConfig();
const repo = repository(config);
const publisher = eventPublisher(config);
const idenfy = idenfyClient(config);
const MAX_BODY_BYTES = 16 * 1024;

function jsonBody(event: HttpEvent): unknown {
  requireJson(event);
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

const now = () => new Date();

/** What starting and continuing share: the store, iDenfy with the current keys, the clock, the limits. */
async function sessionDeps() {
  const { client, keys } = await idenfy();
  return {
    repo,
    idenfy: client,
    continueLinkKey: keys.continueLinkKey,
    now,
    newId: randomUUID,
    retentionDays: config.retentionDays,
    tokenExpirySeconds: config.tokenExpirySeconds,
  };
}
/** The URL this request was made to (the continue link itself), for "try again". */
const selfUrl = (event: HttpEvent) =>
  `${publicBaseUrl(event, config.publicBaseUrl)}/verifications/${encodeURIComponent(verificationId(event))}/continue` +
  (event.rawQueryString ? `?${event.rawQueryString}` : '');
const verificationId = (event: HttpEvent) => event.pathParameters?.verificationId ?? '';

// Routing: one function per route of the API.
const routes: Record<string, (event: HttpEvent) => Promise<HttpResult>> = {
  'GET /health': async () => json(200, { status: 'ok' }),

  'POST /verifications': async (event) => {
    const request = startVerificationSchema.parse(jsonBody(event));
    const { created, verification, redirectUrl } = await startVerification(
      request,
      publicBaseUrl(event, config.publicBaseUrl),
      {
        ...(await sessionDeps()),
        defaults: config.defaultUrls,
        plans: config.plans,
        defaultPlan: config.defaultPlan,
        documentSessionMode: config.documentSessionMode,
        sandboxAllowed: config.idenfyEnvironment === 'sandbox',
      },
    );
    logger.info(created ? 'verification started' : 'pending verification returned', {
      verificationId: verification.verificationId,
    });
    if (created) count(METRIC.verificationsStarted, { method: verification.method });
    return json(created ? 201 : 200, startView(verification, redirectUrl));
  },

  'GET /verifications': async (event) => {
    const { clientId, limit, cursor } = listQuerySchema.parse(event.queryStringParameters ?? {});
    return json(200, await listVerifications({ clientId, limit: Number(limit), cursor }, repo));
  },

  'GET /verifications/{verificationId}': async (event) =>
    json(200, await getVerificationView(verificationId(event), repo)),

  'POST /verifications/{verificationId}/review': async (event) => {
    const review = reviewSchema.parse(jsonBody(event));
    const { reviewVerification } = await reviewing();
    const view = await reviewVerification(
      verificationId(event),
      { ...review, principal: caller(event) },
      {
        repo,
        publisher,
        now,
        runId: randomUUID(),
        noticeDays: config.expiringNoticeDays,
        retentionDays: config.retentionDays,
        onPublishDeferred: recordPublishDeferred,
        secondApprovalReasons: config.secondApprovalReasons,
      },
    );
    logger.info('verification reviewed', {
      verificationId: verificationId(event),
      status: view.status,
      awaitingSecondApproval: view.awaitingSecondApproval,
    });
    count(METRIC.reviews, { decision: review.decision });
    // 202: a first approval, recorded; a second, different reviewer decides.
    return json(view.awaitingSecondApproval ? 202 : 200, view);
  },

  'POST /verifications/{verificationId}/cancel': async (event) => {
    // No body is needed; one that is not JSON comes from a form (a cross-site post), never from a client.
    requireJson(event);
    const { cancelVerification } = await cancelling();
    const view = await cancelVerification(verificationId(event), {
      repo,
      publisher,
      policy: config.policy,
      now,
      runId: randomUUID(),
      noticeDays: config.expiringNoticeDays,
      retentionDays: config.retentionDays,
      onDecision: recordDecision,
      onPublishDeferred: recordPublishDeferred,
    });
    logger.info('verification cancelled', { verificationId: verificationId(event) });
    return json(200, view);
  },

  'DELETE /verifications/{verificationId}': async (event) => {
    const { client } = await idenfy();
    const answer = await eraseVerification(verificationId(event), caller(event), {
      repo,
      idenfy: client,
      now,
      retentionDays: config.retentionDays,
    });
    logger.info('verification erased', {
      verificationId: verificationId(event),
      pending: answer.erasure?.pending,
    });
    count(METRIC.erasures);
    return json(202, answer);
  },

  // A browser route: a failure is a page for the person (with "try again" on the same link), not JSON.
  'GET /verifications/{verificationId}/continue': async (event) => {
    try {
      const location = await continueVerification(
        verificationId(event),
        event.queryStringParameters?.t,
        event.queryStringParameters?.outcome,
        publicBaseUrl(event, config.publicBaseUrl),
        await sessionDeps(),
      );
      return redirect(location);
    } catch (err) {
      const page = browserErrorPage(err, selfUrl(event));
      logFailure(event.routeKey, err, page.statusCode ?? 500);
      return page;
    }
  },
};

async function handle(event: HttpEvent, context?: Context): Promise<HttpResult> {
  if (context) logger.addContext(context);
  try {
    const route = routes[event.routeKey];
    if (!route) throw new Failure('NOT_FOUND', `no route ${event.routeKey}`);
    return await route(event);
  } catch (err) {
    const result = errorResult(err);
    logFailure(event.routeKey, err, result.statusCode ?? 500);
    return result;
  }
}

export const handler = withTracing('token', handle);
