/**
 * Infrastructure cost per 1,000 verifications at list prices, from the counted calls and the measured
 * handler durations. The prices and every assumption are printed with the figure.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LIST_ITEM_ATTRIBUTES } from '../../lib/store';
import type { PathCalls } from './calls';
import { itemBytes } from './item-bytes';

/** us-east-1 list prices (AWS pricing pages, read November 2026). Check them for your region. */
export const PRICES = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  httpApiPerMillionRequests: 1.0,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  sqsFifoPerMillionRequests: 0.5,
  eventBridgePerMillionEvents: 1.0,
  secretsPerTenThousandCalls: 0.05,
  secretPerMonth: 0.4,
  logsPerGbIngested: 0.5,
};

export const ASSUMPTIONS = [
  'one verification = start, continue, 2 webhooks, 2 comparator invocations (a batch each), 1 status read',
  'Lambda: 512 MB arm64, billed for the measured in-process duration of each path (local, against moto)',
  'DynamoDB on demand: a read = 1 RRU (items under 4 KB, strongly consistent); a write of the verification item costs 1 WRU per KB of its size after that path (measured), a result slot 1 WRU per KB of its size after the decision, double in a transaction; each write of the verification item also writes its byClient index entry (all attributes today: a full copy), and each sweep or review index entry 1 WRU',
  'SQS FIFO: each work message is sent once, received once and deleted once by the event source mapping',
  'CloudWatch Logs: 1 KB of logs and metrics per invocation',
  'not counted: the sweeper (a fixed ~8,640 runs a month, cents), the secret ($0.40 a month), data transfer, iDenfy',
];

export interface CostLine {
  item: string;
  quantity: string;
  usd: number;
}

/** Sizes (bytes, as DynamoDB counts them) of the items the writes write, measured after a decision. */
export interface ItemSizes {
  verification: number;
  /** The verification's byClient entry if the index projected only what a list item shows. */
  listEntry: number;
  /** The largest other item of the partition (a session's result slot). */
  other: number;
  /** The verification item's largest attributes, bytes each: where its write cost goes. */
  largestAttributes: [string, number][];
}

/** The largest decided verification item and result slot in the table, and the verification's list entry. */
export async function measureItemSizes(tableName: string): Promise<ItemSizes> {
  const dynamo = new DynamoDBClient({});
  const sizes: ItemSizes = { verification: 0, listEntry: 0, other: 0, largestAttributes: [] };
  let after: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: after }));
    for (const item of page.Items ?? []) {
      const raw = item as Record<string, unknown>;
      if (item.sk?.S === 'VERIFICATION' && item.status?.S === 'VERIFIED') {
        if (itemBytes(raw) > sizes.verification) {
          sizes.verification = itemBytes(raw);
          sizes.largestAttributes = Object.entries(raw)
            .map(([k, v]): [string, number] => [k, itemBytes({ [k]: v })])
            .sort((a, b) => b[1] - a[1])
            .slice(0, 5);
        }
        const keep = ['pk', 'sk', 'gsi1pk', 'gsi1sk', ...LIST_ITEM_ATTRIBUTES];
        const entry = Object.fromEntries(Object.entries(raw).filter(([k]) => keep.includes(k)));
        sizes.listEntry = Math.max(sizes.listEntry, itemBytes(entry));
      } else if (item.sk?.S?.startsWith('RESULT#')) {
        sizes.other = Math.max(sizes.other, itemBytes(raw));
      }
    }
    after = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (after);
  return sizes;
}

const wru = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** WRU per verification of the writes, split into the table's items, the byClient copies and the sparse indexes. */
export function writeUnits(paths: PathCalls[], sizes: ItemSizes) {
  const perVerification: [string, number][] = [
    ['start', 1],
    ['continue', 1],
    ['webhook', 2],
    ['comparator (waiting)', 1],
    ['comparator (decision)', 1],
    ['status', 1],
  ];
  // Per path: its writes, and the verification item's size after it (what those writes cost).
  const sum = (f: (p: PathCalls) => number) =>
    perVerification.reduce((total, [name, k]) => {
      const p = paths.find((x) => x.path === name);
      return total + (p ? f(p) * k : 0);
    }, 0);
  const of = (p: PathCalls, kind: string) => p.writes[kind] ?? 0;
  const verificationWrites = (p: PathCalls) => of(p, 'verification') + of(p, 'verification in a transaction');
  return {
    items: sum(
      (p) =>
        of(p, 'verification') * wru(p.verificationBytes) +
        of(p, 'verification in a transaction') * 2 * wru(p.verificationBytes) +
        of(p, 'other') * wru(sizes.other) +
        of(p, 'other in a transaction') * 2 * wru(sizes.other),
    ),
    byClientCopies: sum((p) => verificationWrites(p) * wru(p.verificationBytes)),
    byClientListEntries: sum((p) => verificationWrites(p) * wru(sizes.listEntry)),
    sparseEntries: sum((p) => of(p, 'sweep index entry') + of(p, 'review index entry')),
    verificationWrites: sum(verificationWrites),
  };
}

export function costPer1000(paths: PathCalls[], sizes: ItemSizes, memoryMb = 512): CostLine[] {
  const by = (p: string) => paths.find((x) => x.path === p);
  const perVerification: [PathCalls | undefined, number][] = [
    [by('start'), 1],
    [by('continue'), 1],
    [by('webhook'), 2],
    [by('comparator (waiting)'), 1],
    [by('comparator (decision)'), 1],
    [by('status'), 1],
  ];
  const invocations = perVerification.reduce((n, [, k]) => n + k, 0);
  const seconds = perVerification.reduce((s, [p, k]) => s + ((p?.durationMs ?? 0) / 1000) * k, 0);
  const op = (name: string) => perVerification.reduce((n, [p, k]) => n + (p?.calls[name] ?? 0) * k, 0);
  const reads = op('GetItem') + op('Query');
  const units = writeUnits(paths, sizes);
  const sqsRequests = op('SendMessage') * 3;
  const events = op('PutEvents');
  const secretCalls = op('GetSecretValue');
  const apiRequests = 5;
  const k = 1000;
  return [
    {
      item: 'Lambda requests',
      quantity: `${invocations * k}`,
      usd: ((invocations * k) / 1e6) * PRICES.lambdaPerMillionRequests,
    },
    {
      item: 'Lambda compute',
      quantity: `${(seconds * k * (memoryMb / 1024)).toFixed(1)} GB-s`,
      usd: seconds * k * (memoryMb / 1024) * PRICES.lambdaGbSecondArm,
    },
    {
      item: 'HTTP API requests',
      quantity: `${apiRequests * k}`,
      usd: ((apiRequests * k) / 1e6) * PRICES.httpApiPerMillionRequests,
    },
    {
      item: 'DynamoDB reads',
      quantity: `${reads * k} RRU`,
      usd: ((reads * k) / 1e6) * PRICES.dynamoPerMillionReadUnits,
    },
    ...(
      [
        ['DynamoDB writes: items', units.items],
        ['DynamoDB writes: byClient copies (all attributes)', units.byClientCopies],
        ['DynamoDB writes: sweep and review index entries', units.sparseEntries],
      ] as const
    ).map(([item, n]) => ({
      item,
      quantity: `${n * k} WRU`,
      usd: ((n * k) / 1e6) * PRICES.dynamoPerMillionWriteUnits,
    })),
    {
      item: 'SQS FIFO requests',
      quantity: `${sqsRequests * k}`,
      usd: ((sqsRequests * k) / 1e6) * PRICES.sqsFifoPerMillionRequests,
    },
    {
      item: 'EventBridge events',
      quantity: `${events * k}`,
      usd: ((events * k) / 1e6) * PRICES.eventBridgePerMillionEvents,
    },
    {
      item: 'Secrets Manager calls (warm)',
      quantity: `${secretCalls * k}`,
      usd: ((secretCalls * k) / 1e4) * PRICES.secretsPerTenThousandCalls,
    },
    {
      item: 'CloudWatch Logs',
      quantity: `${((invocations * k) / 1024).toFixed(1)} MB`,
      usd: ((invocations * k) / 1024 / 1024) * PRICES.logsPerGbIngested,
    },
  ];
}
