/**
 * Infrastructure cost per 1,000 verifications at list prices, from the counted calls and the measured
 * handler durations. The prices and every assumption are printed with the figure.
 */
import type { PathCalls } from './calls';

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
  'DynamoDB on demand: a read = 1 RRU (items under 4 KB, strongly consistent); a write = 2 WRU (item under 1 KB plus its byClient index copy); a transaction item costs double',
  'SQS FIFO: each work message is sent once, received once and deleted once by the event source mapping',
  'CloudWatch Logs: 1 KB of logs and metrics per invocation',
  'not counted: the sweeper (a fixed ~8,640 runs a month, cents), the secret ($0.40 a month), data transfer, iDenfy',
];

export interface CostLine {
  item: string;
  quantity: string;
  usd: number;
}

export function costPer1000(paths: PathCalls[], memoryMb = 512): CostLine[] {
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
  const writes = op('UpdateItem') + op('PutItem');
  const transactions = op('TransactWriteItems');
  // Our transactions write 2–3 items; count 3 items at double price.
  const wru = writes * 2 + transactions * 3 * 2 * 2;
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
    {
      item: 'DynamoDB writes',
      quantity: `${wru * k} WRU`,
      usd: ((wru * k) / 1e6) * PRICES.dynamoPerMillionWriteUnits,
    },
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
