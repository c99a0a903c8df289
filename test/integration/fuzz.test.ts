/**
 * Hostile input: generated and mutated webhook bodies and start requests against the real handlers
 * (moto behind them). Never a 5xx; a precise 4xx otherwise; nothing stored for rejected input.
 * CI runs FUZZ_CASES (default 2,000 webhooks + a fifth as many starts); `npm run fuzz` runs 10,000.
 */
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { signBody } from '../../functions/shared/signature';
import { routeEvent } from '../../local/http-api';
import { DEFAULT_LOCAL_KEYS, type LocalSystem } from '../../local/system';
import { startTestSystem, startVerification } from './helpers';

jest.setTimeout(600_000);

const CASES = Number(process.env.FUZZ_CASES ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const KEY = DEFAULT_LOCAL_KEYS.webhookSigningKey;

let system: LocalSystem;
let knownScanRef = '';
let knownVerificationId = '';
let dynamo: DynamoDBClient;

beforeAll(async () => {
  system = await startTestSystem('fuzz');
  dynamo = new DynamoDBClient({});
  const v = await startVerification(system, { clientId: 'fuzz-known' });
  knownScanRef = v.identity.scanRef;
  knownVerificationId = v.verificationId;
});
afterAll(async () => {
  await system?.stop();
});

type Handler = (e: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const apiEvent = (routeKey: string, body: Buffer, headers: Record<string, string>) =>
  routeEvent(routeKey, { body, headers });

const validPayload = (scanRef: string) => ({
  scanRef,
  externalRef: null as string | null,
  clientId: 'fuzz',
  final: true,
  platform: 'PC',
  status: { overall: 'APPROVED', fraudTags: [], mismatchTags: [], autoDocument: 'DOC_VALIDATED' },
  data: {
    docFirstName: 'ANA',
    docLastName: 'SILVA',
    docDob: '1990-01-01',
    docType: 'ID_CARD',
    docExpiry: '2030-01-01',
  },
});

/** Values that break naive code: wrong types, huge strings, unicode tricks, deep nesting. */
const nasty = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '\u202Eevil',
    '\u0000',
    '\uFEFF',
    'a'.repeat(100_000),
    '𝔄𝔫𝔞',
    '\uD800',
    'Ä\u0308\u0308\u0308',
    '../../etc/passwd',
    `$${'{'}jndi:ldap://x}`,
    '<script>alert(1)</script>',
    -1,
    Number.POSITIVE_INFINITY,
    [],
    {},
    null,
    true,
  ),
  fc.integer({ min: 1, max: 2000 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
);

const paths = [
  ['scanRef'],
  ['final'],
  ['status'],
  ['status', 'overall'],
  ['status', 'fraudTags'],
  ['data'],
  ['data', 'docFirstName'],
  ['data', 'docDob'],
  ['externalRef'],
  ['clientId'],
];

function mutate(payload: Record<string, unknown>, path: string[], value: unknown, remove: boolean) {
  const copy = structuredClone(payload);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/** One webhook request: raw bytes and headers. */
const webhookCase = fc.oneof(
  // Mutated valid bodies, signed correctly.
  fc
    .tuple(fc.boolean(), fc.constantFrom(...paths), nasty, fc.boolean())
    .map(([known, path, value, remove]) => {
      const body = Buffer.from(
        JSON.stringify(mutate(validPayload(known ? 'KNOWN' : 'unknown-scan'), path, value, remove)),
      );
      return { body, signed: true };
    }),
  // Any JSON at all, signed correctly: a valid signature over garbage.
  fc
    .jsonValue({ maxDepth: 4 })
    .map((v) => ({ body: Buffer.from(JSON.stringify(v) ?? 'null'), signed: true })),
  // Bytes that are not JSON or not UTF-8.
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ body: Buffer.from(bytes), signed: true })),
  // Truncated JSON.
  fc
    .nat(200)
    .map((cut) => ({ body: Buffer.from(JSON.stringify(validPayload('KNOWN')).slice(0, cut)), signed: true })),
  // Right body, wrong or missing signature.
  fc
    .constantFrom('missing', 'garbage', 'other-body')
    .map((kind) => ({ body: Buffer.from(JSON.stringify(validPayload('KNOWN'))), signed: false, kind })),
  // Nesting far deeper than any parser's stack, inside the size limit.
  fc.integer({ min: 10_000, max: 120_000 }).map((depth) => ({
    body: Buffer.from(`{"scanRef":"KNOWN","status":${'['.repeat(depth)}${']'.repeat(depth)}}`),
    signed: true,
  })),
  // Too large.
  fc.constant({ body: Buffer.alloc(300 * 1024, 0x20), signed: true }),
);

async function resultVersionOfKnown(): Promise<number> {
  const out = await dynamo.send(
    new GetItemCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: { S: `V#${knownVerificationId}` }, sk: { S: `RESULT#${knownScanRef}` } },
      ConsistentRead: true,
    }),
  );
  return Number(out.Item?.resultVersion?.N ?? 0);
}

it(`webhooks: ${CASES} generated and mutated bodies, never a 5xx, nothing stored when refused`, async () => {
  const webhook = system.handlers.webhook as unknown as Handler;
  const cases = fc.sample(webhookCase, { numRuns: CASES, seed: SEED });
  const statuses = new Map<number, number>();
  const fiveXx: string[] = [];
  let storedOnRefusal = 0;
  for (const c of cases) {
    const body = Buffer.from(c.body.toString('latin1').replaceAll('KNOWN', knownScanRef), 'latin1');
    const kind = (c as { kind?: string }).kind;
    const signature = c.signed
      ? signBody(body, KEY)
      : kind === 'garbage'
        ? 'zz'
        : kind === 'other-body'
          ? signBody('{}', KEY)
          : undefined;
    const headers: Record<string, string> = signature ? { 'idenfy-signature': signature } : {};
    const targetsKnown = body.includes(knownScanRef);
    const before = targetsKnown ? await resultVersionOfKnown() : 0;
    const res = await webhook(apiEvent('POST /webhooks/idenfy', body, headers));
    const status = res.statusCode ?? 0;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status >= 500) fiveXx.push(body.toString('utf8').slice(0, 200));
    if (status >= 400 && status < 500) {
      expect([400, 401, 413]).toContain(status);
      const error = JSON.parse(String(res.body)).error;
      expect(error.message).not.toMatch(/\n\s+at /);
      if (targetsKnown && (await resultVersionOfKnown()) !== before) storedOnRefusal += 1;
    }
  }
  console.info(
    `webhook fuzz: ${cases.length} cases, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  expect(fiveXx).toEqual([]);
  expect(storedOnRefusal).toBe(0);
  // The generator reached every kind of answer.
  for (const s of [200, 400, 401, 413]) expect(statuses.get(s)).toBeGreaterThan(0);
});

const startCase = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc
    .tuple(
      fc.constantFrom(
        'clientId',
        'firstName',
        'lastName',
        'dateOfBirth',
        'method',
        'documentTypes',
        'successUrl',
        'locale',
        'extra',
      ),
      nasty,
    )
    .map(([key, value]) => Buffer.from(JSON.stringify({ clientId: 'fuzz-start', [key]: value }) ?? 'null')),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.constant(Buffer.alloc(20 * 1024, 0x20)),
);

async function countVerifications(): Promise<number> {
  const out = await dynamo.send(
    new ScanCommand({
      TableName: process.env.TABLE_NAME,
      FilterExpression: 'sk = :sk',
      ExpressionAttributeValues: { ':sk': { S: 'VERIFICATION' } },
    }),
  );
  return out.Count ?? 0;
}

it(`start requests: ${Math.ceil(CASES / 5)} generated bodies, never a 5xx, a verification only for a 201`, async () => {
  const token = system.handlers.token as unknown as Handler;
  const cases = fc.sample(startCase, { numRuns: Math.ceil(CASES / 5), seed: SEED + 1 });
  const before = await countVerifications();
  const statuses = new Map<number, number>();
  for (const body of cases) {
    const res = await token(apiEvent('POST /verifications', body, {}));
    const status = res.statusCode ?? 0;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    expect([200, 201, 400, 409, 413]).toContain(status);
    if (status === 400) expect(JSON.parse(String(res.body)).error.message).toMatch(/^[\w.()[\]]+: |\(body\)/);
    // The same clientId claiming another person while its verification is pending: never resumed silently.
    if (status === 409) expect(JSON.parse(String(res.body)).error.code).toBe('CLAIM_DIFFERS');
  }
  console.info(`start fuzz: ${cases.length} cases, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  expect((await countVerifications()) - before).toBe(statuses.get(201) ?? 0);
  expect(statuses.get(400)).toBeGreaterThan(0);
});

const reviewCase = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc
    .tuple(fc.constantFrom('decision', 'reviewer', 'note', 'status', 'extra'), nasty)
    .map(([key, value]) =>
      Buffer.from(JSON.stringify({ decision: 'APPROVE', reviewer: 'fuzz', [key]: value }) ?? 'null'),
    ),
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.constant(Buffer.alloc(20 * 1024, 0x20)),
);

it(`reviews and list queries: ${Math.ceil(CASES / 10)} each, never a 5xx, nothing written`, async () => {
  const token = system.handlers.token as unknown as Handler;
  const route = 'POST /verifications/{verificationId}/review';
  const statuses = new Map<number, number>();
  for (const body of fc.sample(reviewCase, { numRuns: Math.ceil(CASES / 10), seed: SEED + 2 })) {
    const event = { ...apiEvent(route, body, {}), pathParameters: { verificationId: knownVerificationId } };
    const res = await token(event);
    const status = res.statusCode ?? 0;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    // The target is PENDING: a well-formed review is a 409, anything else a precise 4xx.
    expect([400, 409, 413]).toContain(status);
    if (status === 400) expect(JSON.parse(String(res.body)).error.message).toMatch(/^[\w.()[\]]+: |\(body\)/);
  }
  const known = await dynamo.send(
    new GetItemCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: { S: `V#${knownVerificationId}` }, sk: { S: 'VERIFICATION' } },
      ConsistentRead: true,
    }),
  );
  expect(known.Item?.status?.S).toBe('PENDING');
  expect(known.Item?.version?.N).toBe('0');
  for (const s of [400, 409]) expect(statuses.get(s)).toBeGreaterThan(0);

  const queries = fc.sample(
    fc.dictionary(fc.constantFrom('clientId', 'limit', 'cursor', 'extra'), fc.string({ maxLength: 300 }), {
      maxKeys: 4,
    }),
    { numRuns: Math.ceil(CASES / 10), seed: SEED + 3 },
  );
  const listStatuses = new Map<number, number>();
  for (const query of queries) {
    const event = { ...apiEvent('GET /verifications', Buffer.alloc(0), {}), queryStringParameters: query };
    const res = await token(event);
    const status = res.statusCode ?? 0;
    listStatuses.set(status, (listStatuses.get(status) ?? 0) + 1);
    expect([200, 400]).toContain(status);
  }
  console.info(
    `review fuzz statuses ${JSON.stringify(Object.fromEntries(statuses))}; list ${JSON.stringify(Object.fromEntries(listStatuses))}`,
  );
  expect(listStatuses.get(400)).toBeGreaterThan(0);
});
