/**
 * The review queue, `GET /verifications?status=REQUIRES_REVIEW` (docs/api.md): every verification
 * waiting for a person, across clients, oldest decision first, paged like the client list; a
 * verification leaves it when reviewed or erased. Through the local system (moto + simulator), so the
 * sharded sparse index and its merge run for real.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { routeEvent } from '../../local/http-api';
import type { LocalSystem } from '../../local/system';
import { backfillReviewQueue } from '../../scripts/backfill-review-queue';
import { responseProblems } from '../support/contracts';
import { http, simComplete, startTestSystem, startVerification, waitForEvents } from './helpers';

jest.setTimeout(120_000);

const STEPS = { ALL: { ALL: { RESIDENCE_PERMIT: { type: 'UPLOAD' } } } };
let system: LocalSystem;
/** Verification ids waiting for review, in the order they were decided. */
const waiting: string[] = [];
let rejected: string;
let pending: string;

interface Page {
  items: { verificationId: string; clientId: string; status: string; decidedAt: string }[];
  nextCursor: string | null;
}

async function call(path: string, method = 'GET', body?: unknown) {
  const route = path.startsWith('/verifications?') ? '/verifications' : '/verifications/{verificationId}';
  const res = await http(method, `${system.apiUrl}${path}`, body);
  if (method === 'GET') expect(responseProblems('GET', route, res.status, res.body)).toEqual([]);
  return res;
}

/** Every page of the queue at `limit` items a page, concatenated. */
async function wholeQueue(limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await call(
      `/verifications?status=REQUIRES_REVIEW&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(res.status).toBe(200);
    const page = res.body as unknown as Page;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((i) => i.verificationId));
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { ids, pages };
}

beforeAll(async () => {
  system = await startTestSystem('review-queue', {
    schedules: 'manual',
    context: { additionalSteps: JSON.stringify(STEPS) },
  });
  // An approved identity with an uploaded additional document always waits for a person.
  for (let i = 0; i < 9; i++) {
    const { verificationId, identity } = await startVerification(system, {
      clientId: `queue-client-${i}`,
      method: 'ADDITIONAL_STEP',
    });
    await simComplete(system, identity.scanRef, {});
    await waitForEvents(system, verificationId);
    waiting.push(verificationId);
  }
  const denied = await startVerification(system, { clientId: 'queue-denied', method: 'ADDITIONAL_STEP' });
  await simComplete(system, denied.identity.scanRef, { overall: 'DENIED' });
  await waitForEvents(system, denied.verificationId);
  rejected = denied.verificationId;
  pending = (await startVerification(system, { clientId: 'queue-pending' })).verificationId;
});

afterAll(async () => {
  await system?.stop();
});

describe('the review queue', () => {
  it('lists every verification waiting for a person across clients, oldest decision first, whatever the page size', async () => {
    const one = await wholeQueue(1);
    expect(one.ids).toEqual(waiting);
    expect(one.pages).toBe(waiting.length);
    expect((await wholeQueue(4)).ids).toEqual(waiting);
    expect((await wholeQueue(100)).ids).toEqual(waiting);
    expect(waiting).not.toContain(rejected);
    expect(waiting).not.toContain(pending);

    const first = (await call('/verifications?status=REQUIRES_REVIEW&limit=2')).body as unknown as Page;
    expect(first.items.map((i) => i.status)).toEqual(['REQUIRES_REVIEW', 'REQUIRES_REVIEW']);
    const decided = first.items.map((i) => i.decidedAt);
    expect([...decided].sort()).toEqual(decided);
  });

  it('spreads its writes over several partition keys (the index is sharded)', async () => {
    const table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    const out = await table.send(
      new ScanCommand({
        TableName: process.env.TABLE_NAME,
        FilterExpression: 'attribute_exists(reviewPk)',
        ProjectionExpression: 'reviewPk',
      }),
    );
    const shards = new Set((out.Items ?? []).map((i) => i.reviewPk));
    expect(out.Items).toHaveLength(waiting.length);
    // Nine ids over four shards: all on one key would be a 1-in-65,536 accident, or a bug.
    expect(shards.size).toBeGreaterThan(1);
    for (const s of shards) expect(s).toMatch(/^REVIEW#[0-3]$/);
  });

  it('refuses what is not a list it has: another status, both lists at once, another list’s cursor', async () => {
    const status = await call('/verifications?status=VERIFIED');
    expect(status.status).toBe(400);
    expect((status.body as { error: { message: string } }).error.message).toMatch(/^status/);
    const both = await call('/verifications?status=REQUIRES_REVIEW&clientId=queue-client-1');
    expect(both.status).toBe(400);
    expect((both.body as { error: { message: string } }).error.message).toMatch(/^clientId.*not both/);

    const clientPage = (await call('/verifications?clientId=queue-client-1&limit=1')).body as unknown as Page;
    const queuePage = (await call('/verifications?status=REQUIRES_REVIEW&limit=1')).body as unknown as Page;
    const clientCursorOnQueue = await call(
      `/verifications?status=REQUIRES_REVIEW&cursor=${Buffer.from(JSON.stringify({ gsi1pk: 'CLIENT#x', gsi1sk: 'a', pk: 'V#a', sk: 'VERIFICATION' })).toString('base64url')}`,
    );
    expect(clientCursorOnQueue.status).toBe(400);
    expect(queuePage.nextCursor).toEqual(expect.any(String));
    const queueCursorOnClient = await call(
      `/verifications?clientId=queue-client-1&cursor=${queuePage.nextCursor}`,
    );
    expect(queueCursorOnClient.status).toBe(400);
    // A forged position pointing one shard at another's key.
    const forged = JSON.parse(Buffer.from(String(queuePage.nextCursor), 'base64url').toString());
    forged.shards[0] = { pk: 'V#x', sk: 'VERIFICATION', reviewPk: 'REVIEW#1', reviewAt: 'x' };
    const forgedAnswer = await call(
      `/verifications?status=REQUIRES_REVIEW&cursor=${Buffer.from(JSON.stringify(forged)).toString('base64url')}`,
    );
    expect(forgedAnswer.status).toBe(400);
    expect(clientPage.items).toHaveLength(1);
  });

  it('a verification leaves the queue when it is reviewed or erased', async () => {
    const [reviewed, erased, ...rest] = waiting;
    const review = await call(`/verifications/${reviewed}/review`, 'POST', {
      decision: 'APPROVE',
      reviewer: 'alice',
    });
    expect(review.status).toBe(200);
    expect((await call(`/verifications/${erased}`, 'DELETE')).status).toBe(202);
    expect((await wholeQueue(3)).ids).toEqual(rest);
  });

  it('the audit names who the API authenticated (IAM ARN, JWT subject); the body’s reviewer is a display name', async () => {
    const reviewerArn = 'arn:aws:sts::111122223333:assumed-role/Reviewer/alice';
    const asCaller = (event: APIGatewayProxyEventV2, authorizer: Record<string, unknown>) =>
      ({ ...event, requestContext: { ...event.requestContext, authorizer } }) as APIGatewayProxyEventV2;
    const { verificationId, identity } = await startVerification(system, {
      clientId: 'queue-audit',
      method: 'ADDITIONAL_STEP',
    });
    await simComplete(system, identity.scanRef, {});
    await waitForEvents(system, verificationId);

    const reviewed = (await system.handlers.token?.(
      asCaller(
        routeEvent('POST /verifications/{verificationId}/review', {
          pathParameters: { verificationId },
          body: JSON.stringify({ decision: 'REJECT', reviewer: 'Somebody Else' }),
        }),
        { iam: { userArn: reviewerArn } },
      ),
    )) as { statusCode: number; body: string };
    expect(reviewed.statusCode).toBe(200);
    const erased = (await system.handlers.token?.(
      asCaller(routeEvent('DELETE /verifications/{verificationId}', { pathParameters: { verificationId } }), {
        jwt: { claims: { sub: 'client-app-42' }, scopes: [] },
      }),
    )) as { statusCode: number };
    expect(erased.statusCode).toBe(202);
    const audit = ((await call(`/verifications/${verificationId}`)).body as { audit: unknown[] }).audit;
    expect(audit).toEqual([
      expect.objectContaining({ action: 'REVIEWED', by: reviewerArn, reviewer: 'Somebody Else' }),
      expect.objectContaining({ action: 'ERASURE_REQUESTED', by: 'client-app-42' }),
    ]);
  });

  it('after an upgrade, the backfill queues what was waiting before the queue existed, once, and nothing erased', async () => {
    const { verificationId, identity } = await startVerification(system, {
      clientId: 'queue-before-upgrade',
      method: 'ADDITIONAL_STEP',
    });
    await simComplete(system, identity.scanRef, {});
    await waitForEvents(system, verificationId);
    // As a release before the review queue wrote it: no queue keys.
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await doc.send(
      new UpdateCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: `V#${verificationId}`, sk: 'VERIFICATION' },
        UpdateExpression: 'REMOVE reviewPk, reviewAt',
      }),
    );
    expect((await wholeQueue(100)).ids).not.toContain(verificationId);

    expect(await backfillReviewQueue(doc, process.env.TABLE_NAME as string)).toEqual({ queued: 1 });
    const after = (await wholeQueue(100)).ids;
    expect(after).toContain(verificationId);
    // Once: a second run finds nothing to do (the erased verification above stays out).
    expect(await backfillReviewQueue(doc, process.env.TABLE_NAME as string)).toEqual({ queued: 0 });
    expect((await wholeQueue(100)).ids).toEqual(after);
  });
});
