/**
 * A proxy in front of the AWS emulator that fails data-plane calls the way real AWS does, which moto
 * never does (docs/failure-modes.md): DynamoDB transactions cancelled by a TransactionConflict (with
 * CancellationReasons per item), throttling, 500s, writes committed whose answer is lost (the SDK then
 * retries them; a transaction retried with its ClientRequestToken is answered as DynamoDB does, from
 * the first attempt), SQS SendMessage 500s and lost answers, EventBridge PutEvents partial failures
 * (FailedEntryCount) and lost answers. Faults come at a rate (seeded: a run can be repeated) or one
 * at a time for a test. Used by `npm run load -- --faults 0.05` and test/integration/aws-faults.test.ts.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request body as parsed JSON (AWS's own shapes: read, never trusted). */
// biome-ignore lint/suspicious/noExplicitAny: AWS request bodies of every service pass through here.
type Json = Record<string, any>;

export const FAULT_KINDS = [
  'ddb-conflict',
  'ddb-throttle',
  'ddb-500',
  'ddb-lost',
  'sqs-500',
  'sqs-lost',
  'events-partial',
  'events-lost',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const DDB = 'DynamoDB_20120810.';
const DDB_WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems'].map((op) => DDB + op);
const DDB_DATA = [...DDB_WRITES, ...['GetItem', 'Query', 'TransactGetItems'].map((op) => DDB + op)];

/** Which calls each fault can hit (the emulator's control plane never fails). */
const APPLIES: Record<FaultKind, (target: string) => boolean> = {
  'ddb-conflict': (t) => t === `${DDB}TransactWriteItems`,
  'ddb-throttle': (t) => DDB_DATA.includes(t),
  'ddb-500': (t) => DDB_DATA.includes(t),
  'ddb-lost': (t) => DDB_WRITES.includes(t),
  'sqs-500': (t) => t === 'AmazonSQS.SendMessage',
  'sqs-lost': (t) => t === 'AmazonSQS.SendMessage',
  'events-partial': (t) => t === 'AWSEvents.PutEvents',
  'events-lost': (t) => t === 'AWSEvents.PutEvents',
};

/** A fault for the next matching calls of a test: its kind, how many, and which requests (by body). */
export interface Injection {
  kind: FaultKind;
  times?: number;
  match?: (body: Json) => boolean;
}

export interface FaultOptions {
  /** Share of the data-plane calls that fail (0..1), each with one of the kinds that apply to it. */
  rate?: number;
  kinds?: readonly FaultKind[];
  seed?: number;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** A small deterministic PRNG (mulberry32): the same seed fails the same calls. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const json = (status: number, type: string, body: Record<string, unknown>, protocol = '1.0'): Answer => ({
  status,
  headers: { 'content-type': `application/x-amz-json-${protocol}`, 'x-amzn-errortype': type },
  body: Buffer.from(JSON.stringify({ __type: type, ...body })),
});

/** What real AWS answers for each fault that is answered instead of forwarded. */
function refusal(kind: FaultKind, body: Json): Answer | undefined {
  switch (kind) {
    case 'ddb-conflict': {
      const items = (body.TransactItems as unknown[]) ?? [];
      const victim = Math.floor(items.length / 2);
      const reasons = items.map((_, i) =>
        i === victim
          ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
          : { Code: 'None' },
      );
      return json(400, 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', {
        Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        CancellationReasons: reasons,
      });
    }
    case 'ddb-throttle':
      return json(400, 'com.amazonaws.dynamodb.v20120810#ThrottlingException', {
        message: 'Throughput exceeds the current capacity of your table or index.',
      });
    case 'ddb-500':
      return json(500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', {
        message: 'Internal server error',
      });
    case 'sqs-500':
      return json(500, 'com.amazonaws.sqs#InternalError', { message: 'We encountered an internal error.' });
    case 'events-partial': {
      const entries = (body.Entries as unknown[]) ?? [];
      return {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1' },
        body: Buffer.from(
          JSON.stringify({
            FailedEntryCount: entries.length,
            Entries: entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure' })),
          }),
        ),
      };
    }
    default:
      return undefined;
  }
}

/** A lost answer: the call was carried out, and the caller hears a 500 (it will retry). */
const LOST: Answer = json(500, 'InternalServerError', { message: 'We encountered an internal error.' });

export class AwsFaults {
  private server?: Server;
  private readonly random: () => number;
  private readonly injections: (Injection & { remaining: number })[] = [];
  /** Transactions that committed, by ClientRequestToken: a retry is answered from the first attempt. */
  private readonly committed = new Map<string, Answer>();
  /** Faults injected so far, by kind. */
  readonly counts = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  /** Calls seen, by X-Amz-Target. */
  readonly calls = new Map<string, number>();
  url = '';

  constructor(
    private readonly upstream: string,
    private readonly opts: FaultOptions = {},
  ) {
    this.random = prng(opts.seed ?? 1);
  }

  /** The next `times` calls that `kind` applies to (and `match` accepts) fail that way. */
  inject(injection: Injection): void {
    this.injections.push({ ...injection, remaining: injection.times ?? 1 });
  }

  /** Turns the random faults on or off (e.g. on only while a load runs). */
  setRate(rate: number): void {
    (this.opts as { rate?: number }).rate = rate;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.handle(req.method ?? 'POST', req.url ?? '/', req.headers, Buffer.concat(chunks))
          .then((a) => {
            res.writeHead(a.status, a.headers);
            res.end(a.body);
          })
          .catch(() => {
            if (!res.headersSent) res.writeHead(502).end();
          });
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private pick(target: string, body: Json): FaultKind | undefined {
    const injected = this.injections.find(
      (i) => i.remaining > 0 && APPLIES[i.kind](target) && (!i.match || i.match(body)),
    );
    if (injected) {
      injected.remaining -= 1;
      return injected.kind;
    }
    const rate = this.opts.rate ?? 0;
    if (rate <= 0) return undefined;
    const candidates = (this.opts.kinds ?? FAULT_KINDS).filter((k) => APPLIES[k](target));
    if (candidates.length === 0 || this.random() >= rate) return undefined;
    return candidates[Math.floor(this.random() * candidates.length)];
  }

  private async handle(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    raw: Buffer,
  ): Promise<Answer> {
    const target = String(headers['x-amz-target'] ?? '');
    this.calls.set(target, (this.calls.get(target) ?? 0) + 1);
    let body: Json = {};
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
    } catch {
      // not JSON (a query-protocol call): forwarded as it is
    }
    // DynamoDB answers a repeated ClientRequestToken from the transaction that committed (10 minutes).
    const token =
      target === `${DDB}TransactWriteItems` ? (body.ClientRequestToken as string | undefined) : undefined;
    const replay = token ? this.committed.get(token) : undefined;
    if (replay) return replay;

    const kind = this.pick(target, body);
    if (kind) this.counts[kind] += 1;
    const refused = kind ? refusal(kind, body) : undefined;
    if (refused) return refused;
    const answer = await this.forward(method, path, headers, raw);
    if (token && answer.status === 200) this.committed.set(token, answer);
    // Carried out, but the answer never arrives.
    if (kind && answer.status === 200) return LOST;
    return answer;
  }

  private forward(
    method: string,
    path: string,
    headers: Record<string, string | string[] | undefined>,
    raw: Buffer,
  ): Promise<Answer> {
    const upstream = new URL(this.upstream);
    return new Promise((resolve, reject) => {
      // With the caller's Host header, so the emulator builds URLs (SQS queue URLs) that point back here.
      const forwarded = request(
        { host: upstream.hostname, port: upstream.port, path, method, headers },
        (up) => {
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(up.headers)) {
              if (v !== undefined && k !== 'transfer-encoding' && k !== 'connection')
                h[k] = Array.isArray(v) ? v.join(', ') : v;
            }
            resolve({ status: up.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
          });
        },
      );
      forwarded.on('error', reject);
      forwarded.end(raw);
    });
  }
}
