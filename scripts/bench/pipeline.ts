/**
 * End to end through the local system at several concurrency levels (the load driver: start, both
 * hosted steps, webhooks, comparator, event), beside the "moto floor": the same number and kinds of AWS
 * calls per verification (counted by calls.ts) issued directly with the SDK at the same concurrency.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalSystem } from '../../local/system';
import { runLoad } from '../load-driver';

export interface PipelineRow {
  concurrency: number;
  verifications: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  floorPerSecond: number;
  /** Pipeline time over floor time for the same work. */
  ratio: number;
}

export async function measurePipeline(
  system: LocalSystem,
  levels: number[],
  verifications: number,
  callsPerVerification: Record<string, number>,
): Promise<PipelineRow[]> {
  const floor = await floorRunner(callsPerVerification);
  const rows: PipelineRow[] = [];
  for (const concurrency of levels) {
    const report = await runLoad({
      apiUrl: system.apiUrl,
      simulatorUrl: system.simulator?.url ?? '',
      events: system.events,
      verifications,
      concurrency,
      duplicateRate: 0,
      reorderRate: 0,
      timeoutMs: 120_000,
    });
    if (report.notFinal.length > 0) throw new Error(`${report.notFinal.length} verifications not final`);
    const floorSeconds = await floor(verifications, concurrency);
    rows.push({
      concurrency,
      verifications,
      perSecond: report.perSecond,
      p50Ms: report.stages.decision.p50,
      p99Ms: report.stages.decision.p99,
      floorPerSecond: verifications / floorSeconds,
      ratio: report.seconds / floorSeconds,
    });
  }
  return rows;
}

/** Issues, per "verification", the counted operations directly against the emulator. */
async function floorRunner(calls: Record<string, number>) {
  const dynamo = new DynamoDBClient({});
  const sqs = new SQSClient({});
  const events = new EventBridgeClient({});
  const table = `bench-floor-${randomUUID().slice(0, 8)}`;
  await dynamo.send(
    new CreateTableCommand({
      TableName: table,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const queue = await sqs.send(
    new CreateQueueCommand({ QueueName: `${table}.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  const bus = process.env.EVENT_BUS_NAME as string;
  const ops: Record<string, (id: string, n: number) => Promise<unknown>> = {
    GetItem: (id) =>
      dynamo.send(
        new GetItemCommand({
          TableName: table,
          Key: { pk: { S: id }, sk: { S: 'V' } },
          ConsistentRead: true,
        }),
      ),
    Query: (id) =>
      dynamo.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: id } },
          ConsistentRead: true,
        }),
      ),
    PutItem: (id, n) =>
      dynamo.send(new PutItemCommand({ TableName: table, Item: { pk: { S: id }, sk: { S: `P${n}` } } })),
    UpdateItem: (id, n) =>
      dynamo.send(
        new UpdateItemCommand({
          TableName: table,
          Key: { pk: { S: id }, sk: { S: 'V' } },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': { N: String(n) } },
        }),
      ),
    TransactWriteItems: (id, n) =>
      dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: { S: id }, sk: { S: `T${n}a` } } } },
            { Put: { TableName: table, Item: { pk: { S: id }, sk: { S: `T${n}b` } } } },
          ],
        }),
      ),
    SendMessage: (id, n) =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: queue.QueueUrl,
          MessageBody: JSON.stringify({ verificationId: id }),
          MessageGroupId: id,
          MessageDeduplicationId: `${id}-${n}`,
        }),
      ),
    PutEvents: (id) =>
      events.send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: bus, Source: 'bench.floor', DetailType: 'Floor', Detail: JSON.stringify({ id }) },
          ],
        }),
      ),
  };
  const plan = Object.entries(calls).flatMap(([op, count]) =>
    Array.from({ length: Math.round(count) }, () => op),
  );
  const unknown = plan.filter((op) => !ops[op]);
  if (unknown.length > 0) throw new Error(`no floor call for ${[...new Set(unknown)].join(', ')}`);
  return async (verifications: number, concurrency: number) => {
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < verifications) {
          const id = `f-${randomUUID()}`;
          next += 1;
          let n = 0;
          for (const op of plan) await ops[op]?.(id, n++);
        }
      }),
    );
    return (performance.now() - started) / 1000;
  };
}
