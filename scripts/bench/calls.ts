/**
 * AWS API calls per path, counted inside the SDK: every client's requests go through the one
 * `@smithy/node-http-handler` in node_modules, whose `handle` is wrapped here to count each request's
 * operation (`X-Amz-Target`) against the path being run (AsyncLocalStorage). Powertools' own Secrets
 * Manager client is counted too. The handlers are the real ones, invoked in-process as Lambda would,
 * against the emulator; the queue runners are stopped so nothing else calls on their behalf.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { signBody } from '../../functions/shared/signature';
import { routeEvent } from '../../local/http-api';
import { consumeOnce, type SqsHandler } from '../../local/queue-runner';
import type { LocalSystem } from '../../local/system';
import { itemsWritten, requestJson } from '../../tools/sdk-requests';
import { itemBytes } from './item-bytes';

const context = new AsyncLocalStorage<string>();
/** path → operation → count */
const counted = new Map<string, Map<string, number>>();
/** path → kind of item written → count (what the cost model prices: docs/benchmarks.md §5) */
const itemWrites = new Map<string, Map<string, number>>();
let installed = false;

/** The items a DynamoDB write call writes: the verification item or another, in a transaction or not. */
function classifyWrites(path: string, operation: string, raw: unknown) {
  const written = itemsWritten(operation, requestJson(raw));
  if (written.length === 0) return;
  const byKind = itemWrites.get(path) ?? new Map<string, number>();
  const add = (kind: string) => byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  for (const { item, inTx } of written) {
    const verification = (item.Key ?? item.Item)?.sk?.S === 'VERIFICATION';
    add(`${verification ? 'verification' : 'other'}${inTx ? ' in a transaction' : ''}`);
    if (item.Item?.sweepPk || item.ExpressionAttributeValues?.[':duePk']) add('sweep index entry');
    if (item.Item?.reviewPk || item.ExpressionAttributeValues?.[':reviewPk']) add('review index entry');
  }
  itemWrites.set(path, byKind);
}

export function installCallCounter(): void {
  if (installed) return;
  installed = true;
  const handle = NodeHttpHandler.prototype.handle;
  NodeHttpHandler.prototype.handle = function (this: NodeHttpHandler, request, options) {
    const path = context.getStore();
    if (path) {
      const headers = request.headers as Record<string, string>;
      const target = headers['x-amz-target'] ?? headers['X-Amz-Target'] ?? request.hostname;
      const op = String(target).replace(/^DynamoDB_\d+\.|^AmazonSQS\.|^AWSEvents\.|^secretsmanager\./, '');
      const byOp = counted.get(path) ?? new Map<string, number>();
      byOp.set(op, (byOp.get(op) ?? 0) + 1);
      counted.set(path, byOp);
      classifyWrites(path, op, request.body);
    }
    return handle.call(this, request, options);
  };
}

export interface PathCalls {
  path: string;
  /** Runs measured (calls are per run). */
  runs: number;
  calls: Record<string, number>;
  total: number;
  /** Median in-process handler duration, ms (a proxy for billed Lambda duration). */
  durationMs: number;
  /** Items written per run, by kind: the verification item or another, in a transaction or not, and index entries. */
  writes: Record<string, number>;
  /** The verification item's size (bytes, as DynamoDB counts) after this path: what its writes here cost. */
  verificationBytes: number;
}

type Handler = (e: unknown) => Promise<Record<string, unknown>>;

/** Runs `journeys` verifications path by path, after one warm-up journey; returns calls per path. */
export async function countCalls(
  system: LocalSystem,
  journeys: number,
  signingKey: string,
): Promise<PathCalls[]> {
  installCallCounter();
  await Promise.all(system.runners.map((r) => r.stop()));
  const token = system.handlers.token as Handler;
  const webhook = system.handlers.webhook as Handler;
  const comparator = system.handlers.comparator as SqsHandler;
  const simulator = system.simulator;
  if (!simulator) throw new Error('the bench needs the simulator');
  const sqs = new SQSClient({});
  const queueUrl = process.env.QUEUE_URL as string;
  const queueArn = Object.values(system.provisioned.resources).find((r) => r.ref === queueUrl)?.arn ?? '';
  const durations = new Map<string, number[]>();
  /** The size of the verification item after each path (its writes are priced at it). */
  const sizesAfter = new Map<string, number[]>();
  const dynamo = new DynamoDBClient({});
  let current: string | undefined;
  const measureSize = async (path: string) => {
    if (!current) return;
    const out = await dynamo.send(
      new GetItemCommand({
        TableName: process.env.TABLE_NAME,
        Key: { pk: { S: `V#${current}` }, sk: { S: 'VERIFICATION' } },
        ConsistentRead: true,
      }),
    );
    sizesAfter.set(path, [
      ...(sizesAfter.get(path) ?? []),
      itemBytes((out.Item ?? {}) as Record<string, unknown>),
    ]);
  };

  const run = async <T>(path: string, measured: boolean, work: () => Promise<T>): Promise<T> => {
    if (!measured) return work();
    const t = performance.now();
    const out = await context.run(path, work);
    durations.set(path, [...(durations.get(path) ?? []), performance.now() - t]);
    if (path !== 'start') await measureSize(path);
    return out;
  };
  const deliver = async (scanRef: string, measured: boolean) => {
    await simulator.complete(scanRef, { deliver: false });
    const session = simulator.sessions.get(scanRef);
    const body = JSON.stringify(session?.webhooks.at(-1));
    const res = await run('webhook', measured, () =>
      webhook(
        routeEvent('POST /webhooks/idenfy', {
          body,
          headers: {
            'idenfy-signature': signBody(body, signingKey),
            'idenfy-event-type': 'IDENTIFICATION_AUTO_FINISHED',
          },
        }),
      ),
    );
    if (res.statusCode !== 200) throw new Error(`webhook: ${res.statusCode} ${res.body}`);
  };
  const compare = async (path: string, measured: boolean) => {
    // Only the comparator's own calls count: receiving and deleting are the event source mapping's.
    const { received } = await consumeOnce(sqs, { url: queueUrl, arn: queueArn }, (event) =>
      run(path, measured, () => comparator(event)),
    );
    if (received === 0) throw new Error('no work message');
  };

  for (let i = 0; i <= journeys; i++) {
    const measured = i > 0; // the first journey warms the caches (secrets, connections)
    const clientId = `bench-calls-${randomUUID().slice(0, 8)}`;
    const started = await run('start', measured, () =>
      token(
        routeEvent('POST /verifications', {
          body: JSON.stringify({
            clientId,
            firstName: 'Bench',
            lastName: 'Person',
            dateOfBirth: '1990-01-01',
          }),
        }),
      ),
    );
    if (started.statusCode !== 201) throw new Error(`start: ${started.statusCode} ${started.body}`);
    const verificationId = JSON.parse(String(started.body)).verificationId as string;
    current = verificationId;
    if (measured) await measureSize('start');
    const sessions = () => [...simulator.sessions.values()].filter((s) => s.externalRef === verificationId);
    const identity = sessions().find((s) => s.tokenType === 'IDENTITY' || s.tokenType === 'IDENTIFICATION');
    if (!identity) throw new Error('no identity session');
    await deliver(identity.scanRef, measured);
    await compare('comparator (waiting)', measured);
    const link = new URL(identity.successUrl);
    const cont = await run('continue', measured, () =>
      token(
        routeEvent('GET /verifications/{verificationId}/continue', {
          pathParameters: { verificationId },
          query: Object.fromEntries(link.searchParams),
        }),
      ),
    );
    if (cont.statusCode !== 302) throw new Error(`continue: ${cont.statusCode} ${cont.body}`);
    const document = sessions().find((s) => s.tokenType === 'DOCUMENT');
    if (!document) throw new Error('no document session');
    await deliver(document.scanRef, measured);
    await compare('comparator (decision)', measured);
    const status = await run('status', measured, () =>
      token(routeEvent('GET /verifications/{verificationId}', { pathParameters: { verificationId } })),
    );
    if (JSON.parse(String(status.body)).status !== 'VERIFIED')
      throw new Error(`not verified: ${status.body}`);
  }
  for (const r of system.runners) r.start();

  const runsOf: Record<string, number> = {
    start: journeys,
    webhook: journeys * 2,
    'comparator (waiting)': journeys,
    continue: journeys,
    'comparator (decision)': journeys,
    status: journeys,
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  return Object.entries(runsOf).map(([path, runs]) => {
    const calls = Object.fromEntries(
      [...(counted.get(path) ?? new Map<string, number>())].map(([op, n]) => [op, n / runs]),
    );
    return {
      path,
      runs,
      calls,
      total: Object.values(calls).reduce((a, b) => a + b, 0),
      durationMs: median(durations.get(path) ?? []),
      verificationBytes: median(sizesAfter.get(path) ?? []),
      writes: Object.fromEntries(
        [...(itemWrites.get(path) ?? new Map<string, number>())].map(([kind, n]) => [kind, n / runs]),
      ),
    };
  });
}
