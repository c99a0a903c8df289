/**
 * Least privilege, proven: every AWS call each function's code makes (seen inside the SDK, as the
 * bench counts them) is allowed by that function's IAM policies in the synthesized template, and
 * every action the template grants a function is made by its code somewhere in the lifecycle below.
 * The handlers are the real ones, invoked in-process one at a time as Lambda would, against the
 * emulator; each call is attributed to the function that made it. Resources are compared as ARNs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { SQSBatchResponse } from 'aws-lambda';
import { signBody } from '../../functions/shared/signature';
import { HANDLER_METADATA_KEY } from '../../lib/handler-metadata';
import { routeEvent } from '../../local/http-api';
import { consumeOnce } from '../../local/queue-runner';
import { DEFAULT_LOCAL_KEYS, type LocalSystem } from '../../local/system';
import { requestJson, sdkTarget } from '../../tools/sdk-requests';
import { CfnIam } from '../support/cfn-iam';
import { startTestSystem } from './helpers';

jest.setTimeout(120_000);

type Fn = 'token' | 'webhook' | 'comparator' | 'sweeper';
interface Call {
  fn: Fn;
  action: string;
  resource: string;
  /** The partition key of an item written or deleted (for IAM's dynamodb:LeadingKeys). */
  leadingKey?: string;
}

/** Made by the Lambda platform with the function's role, not by its code. */
const PLATFORM: Record<Fn, string[]> = {
  token: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
  webhook: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
  sweeper: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
  // The SQS event source mapping polls the queue with the comparator's role.
  comparator: [
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
    'sqs:ReceiveMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:GetQueueUrl',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
  ],
};

const running = new AsyncLocalStorage<Fn>();
const calls: Call[] = [];
let system: LocalSystem;
let arnOf: (name: string) => string;

/** Records each SDK request made while a function runs, as the IAM actions and ARNs it needs. */
function installRecorder() {
  const handle = NodeHttpHandler.prototype.handle;
  NodeHttpHandler.prototype.handle = function (this: NodeHttpHandler, request, options) {
    const fn = running.getStore();
    if (fn) {
      const { service, operation } = sdkTarget(request.headers as Record<string, string>);
      const body = requestJson(request.body);
      calls.push(...asIamCalls(fn, service, operation, body));
    }
    return handle.call(this, request, options);
  };
}

function asIamCalls(fn: Fn, service: string, op: string, body: Record<string, any>): Call[] {
  if (service?.startsWith('DynamoDB')) {
    // A transaction is authorized item by item: Put, Update, Delete, ConditionCheck.
    if (op === 'TransactWriteItems') {
      return (body.TransactItems as Record<string, any>[]).flatMap((item) =>
        Object.entries(item).map(([kind, spec]) => ({
          fn,
          action: `dynamodb:${kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`}`,
          resource: arnOf(spec.TableName),
          leadingKey: (spec.Key ?? spec.Item)?.pk?.S,
        })),
      );
    }
    const table = arnOf(body.TableName);
    return [
      {
        fn,
        action: `dynamodb:${op}`,
        resource: body.IndexName ? `${table}/index/${body.IndexName}` : table,
        leadingKey: (body.Key ?? body.Item)?.pk?.S,
      },
    ];
  }
  if (service === 'AmazonSQS') return [{ fn, action: `sqs:${op}`, resource: arnOf(body.QueueUrl) }];
  if (service === 'AWSEvents')
    return (body.Entries as { EventBusName: string }[]).map((e) => ({
      fn,
      action: 'events:PutEvents',
      resource: arnOf(e.EventBusName),
    }));
  if (service === 'secretsmanager')
    return [{ fn, action: `secretsmanager:${op}`, resource: arnOf(body.SecretId) }];
  throw new Error(`unrecognised AWS call ${service}.${op}`);
}

/** The template's IAM as AWS evaluates it, its resources named as the emulator provisioned them. */
let iam: CfnIam;
function buildIam(): CfnIam {
  return new CfnIam(
    system.template,
    { account: '123456789012', region: process.env.AWS_REGION ?? 'us-east-1', partition: 'aws' },
    (id) => system.provisioned.resources[id],
  );
}

/** Each function's role, by the handler name in its metadata. */
function roleOf(fn: Fn): string {
  const [id] = Object.entries(system.template.Resources as Record<string, any>).find(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.[HANDLER_METADATA_KEY] === fn,
  ) ?? [''];
  return iam.functionRole(id);
}

/** The queue (by its ARN) whose resource policy AWS also evaluates; none for the table, bus and secrets. */
function resourcePolicyOf(arn: string) {
  const queue = iam.ids('AWS::SQS::Queue').find((id) => iam.arn(id) === arn);
  return queue ? iam.resourcePolicy(queue) : undefined;
}

/** What AWS decides for one call of a function, with the given identity policies (its role's by default). */
const decide = (c: Call, identityPolicies = iam.rolePolicies(roleOf(c.fn))) =>
  iam.decide({
    principal: iam.arn(roleOf(c.fn)),
    action: c.action,
    resource: c.resource,
    context: c.leadingKey ? { 'dynamodb:LeadingKeys': [c.leadingKey] } : {},
    identityPolicies,
    resourcePolicy: resourcePolicyOf(c.resource),
  });
const allowed = async (c: Call) => (await decide(c)) === 'Allowed';

/** The calls of a function, once each (the same action on the same resource and key). */
const distinct = (fn: Fn) => [
  ...new Map(
    calls.filter((c) => c.fn === fn).map((c) => [`${c.action} ${c.resource} ${c.leadingKey}`, c]),
  ).values(),
];

// ---- the lifecycle, each step one invocation of one function ----

type Handler = (e: unknown) => Promise<Record<string, any>>;
const invoke = (fn: Fn, event: unknown) => {
  // Every call finds the secret cache empty, so each function's own secret reads are seen.
  clearCaches();
  return running.run(fn, () => (system.handlers[fn] as Handler)(event));
};
const token = (routeKey: string, opts: Parameters<typeof routeEvent>[1] = {}) =>
  invoke('token', routeEvent(routeKey, opts));

async function deliver(
  scanRef: string,
  opts: { withoutExternalRef?: boolean; again?: boolean; interim?: boolean } = {},
) {
  if (!opts.again) await system.simulator?.complete(scanRef, { deliver: false });
  const payload = { ...system.simulator?.sessions.get(scanRef)?.webhooks.at(-1) } as Record<string, unknown>;
  // iDenfy may leave externalRef out: the webhook finds the session by its scanRef.
  if (opts.withoutExternalRef) delete payload.externalRef;
  if (opts.interim) payload.final = false;
  const body = JSON.stringify(payload);
  const res = await invoke(
    'webhook',
    routeEvent('POST /webhooks/idenfy', {
      body,
      headers: { 'idenfy-signature': signBody(body, DEFAULT_LOCAL_KEYS.webhookSigningKey) },
    }),
  );
  expect(res.statusCode).toBe(200);
}

async function compare(failures = 0) {
  const queueUrl = process.env.QUEUE_URL as string;
  const { received, answer } = await consumeOnce(
    new SQSClient({}),
    { url: queueUrl, arn: arnOf(queueUrl) },
    (event) => invoke('comparator', event) as Promise<SQSBatchResponse>,
  );
  expect(received).toBeGreaterThan(0);
  expect(answer?.batchItemFailures).toHaveLength(failures);
}

async function start(clientId: string, extra: Record<string, unknown> = {}) {
  const res = await token('POST /verifications', { body: JSON.stringify({ clientId, ...extra }) });
  expect(res.statusCode).toBe(201);
  const verificationId = JSON.parse(res.body).verificationId as string;
  const sessions = () =>
    [...(system.simulator?.sessions.values() ?? [])].filter((s) => s.externalRef === verificationId);
  return { verificationId, sessions };
}

beforeAll(async () => {
  system = await startTestSystem('least-privilege', {
    schedules: 'manual',
    context: { additionalSteps: JSON.stringify({ ALL: { ALL: { RESIDENCE_PERMIT: { type: 'UPLOAD' } } } }) },
  });
  await Promise.all(system.runners.map((r) => r.stop()));
  const byName = new Map<string, string>();
  for (const r of Object.values(system.provisioned.resources)) {
    byName.set(r.ref, r.arn);
    byName.set(r.arn, r.arn);
  }
  arnOf = (name: string) => {
    const arn = byName.get(name);
    if (!arn) throw new Error(`no provisioned resource named ${name}`);
    return arn;
  };
  installRecorder();
  iam = buildIam();

  // A verified journey, then the reads: status, the client's list, the review queue.
  const a = await start('lp-verified');
  const identity = a.sessions()[0];
  await deliver(identity?.scanRef as string);
  await compare();
  const link = new URL(identity?.successUrl as string);
  const cont = await token('GET /verifications/{verificationId}/continue', {
    pathParameters: { verificationId: a.verificationId },
    query: Object.fromEntries(link.searchParams),
  });
  expect(cont.statusCode).toBe(302);
  await deliver(a.sessions().find((s) => s.tokenType === 'DOCUMENT')?.scanRef as string);
  await compare();
  const got = await token('GET /verifications/{verificationId}', {
    pathParameters: { verificationId: a.verificationId },
  });
  expect(JSON.parse(got.body).status).toBe('VERIFIED');
  expect((await token('GET /verifications', { query: { clientId: 'lp-verified' } })).statusCode).toBe(200);
  expect((await token('GET /verifications', { query: { status: 'REQUIRES_REVIEW' } })).statusCode).toBe(200);

  // A webhook without externalRef, and an exact duplicate.
  const f = await start('lp-webhook', { method: 'ADDITIONAL_STEP' });
  const fIdentity = f.sessions()[0]?.scanRef as string;
  await deliver(fIdentity, { withoutExternalRef: true });
  await deliver(fIdentity, { again: true });
  await compare();

  // A decision whose event another run still holds the claim to publish: the comparator sees it busy.
  const busy = await start('lp-busy', { method: 'ADDITIONAL_STEP' });
  await deliver(busy.sessions()[0]?.scanRef as string);
  await compare();
  await holdOutbox(busy.verificationId);
  await compare(1);

  // A review, an erasure (document bindings deleted, iDenfy asked), a cancellation.
  const b = await start('lp-review', { method: 'ADDITIONAL_STEP' });
  await deliver(b.sessions()[0]?.scanRef as string);
  await compare();
  const reviewed = await token('POST /verifications/{verificationId}/review', {
    pathParameters: { verificationId: b.verificationId },
    body: JSON.stringify({ decision: 'APPROVE', reviewer: 'alice' }),
  });
  expect(reviewed.statusCode).toBe(200);
  const erased = await token('DELETE /verifications/{verificationId}', {
    pathParameters: { verificationId: a.verificationId },
  });
  expect(erased.statusCode).toBe(202);
  const c = await start('lp-cancel');
  expect(
    (
      await token('POST /verifications/{verificationId}/cancel', {
        pathParameters: { verificationId: c.verificationId },
      })
    ).statusCode,
  ).toBe(200);

  // iDenfy refuses a start: the client's start claim is given up.
  system.simulator?.injectFault({ path: '/api/v2/token', status: 400, identifier: 'INVALID_REQUEST' });
  expect(
    (await token('POST /verifications', { body: JSON.stringify({ clientId: 'lp-refused' }) })).statusCode,
  ).toBe(502);

  // Nobody finishes: the sweep asks iDenfy once, expires it and publishes.
  const d = await start('lp-abandoned');
  expect(d.sessions()).toHaveLength(1);
  const sweeper = system.schedules.find((s) => s.handlerName === 'sweeper');
  await running.run('sweeper', async () => {
    clearCaches();
    await sweeper?.fire(new Date(Date.now() + 3 * 3600_000));
  });
  const expired = await token('GET /verifications/{verificationId}', {
    pathParameters: { verificationId: d.verificationId },
  });
  expect(JSON.parse(expired.body).status).toBe('EXPIRED');

  // The final webhook never came after an interim one: the sweep finds the final result at iDenfy,
  // keeps the interim result's data and decides (binding its document).
  const e = await start('lp-lost-webhook', { method: 'ADDITIONAL_STEP' });
  await deliver(e.sessions()[0]?.scanRef as string, { interim: true });
  await compare();
  await running.run('sweeper', async () => {
    clearCaches();
    await sweeper?.fire(new Date(Date.now() + 3 * 3600_000));
  });
  const decided = await token('GET /verifications/{verificationId}', {
    pathParameters: { verificationId: e.verificationId },
  });
  expect(JSON.parse(decided.body).status).toBe('REQUIRES_REVIEW');
});

/**
 * Leaves a decided verification as if a run had written its next event and died holding the claim to
 * publish it (an unpublished outbox, claimed by another run until well after now), and queues work for it.
 */
async function holdOutbox(verificationId: string) {
  await new SQSClient({}).send(
    new SendMessageCommand({
      QueueUrl: process.env.QUEUE_URL,
      MessageBody: JSON.stringify({ verificationId }),
      MessageGroupId: verificationId,
      MessageDeduplicationId: `${verificationId}#held`,
    }),
  );
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  await doc.send(
    new UpdateCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: `V#${verificationId}`, sk: 'VERIFICATION' },
      UpdateExpression: 'SET outboxClaim = :claim, outbox = :outbox',
      ExpressionAttributeValues: {
        ':claim': { runId: 'another-run', until: Date.now() + 600_000 },
        ':outbox': {
          version: 99,
          eventId: `${verificationId}#99`,
          detailType: 'Verification Finalized',
          detail: {},
        },
      },
    }),
  );
}

afterAll(async () => {
  await system?.stop();
});

describe('least privilege, proven by the calls the code makes (decided as AWS would)', () => {
  it.each(['token', 'webhook', 'comparator', 'sweeper'] as Fn[])(
    '%s: every call it makes is granted',
    async (fn) => {
      const made = distinct(fn);
      expect(made.length).toBeGreaterThan(0);
      const refused: string[] = [];
      for (const c of made)
        if (!(await allowed(c))) refused.push(`${c.action} ${c.resource} ${c.leadingKey ?? ''}`);
      expect(refused).toEqual([]);
    },
  );

  it.each(['token', 'webhook', 'comparator', 'sweeper'] as Fn[])(
    '%s: everything granted is used',
    async (fn) => {
      const made = distinct(fn);
      const unused: string[] = [];
      for (const { policy } of iam.rolePolicies(roleOf(fn))) {
        for (const st of policy.Statement as Record<string, any>[]) {
          for (const action of [st.Action].flat() as string[]) {
            if (PLATFORM[fn].includes(action) || action.startsWith('logs:')) continue;
            for (const resource of [st.Resource].flat() as string[]) {
              // This one statement alone, for this one action and resource: does any call need it?
              const only = [
                {
                  name: 'one-grant',
                  policy: {
                    Version: '2012-10-17',
                    Statement: [{ ...st, Action: action, Resource: resource }],
                  },
                },
              ];
              let used = false;
              for (const c of made.filter((m) => m.action.split(':')[0] === action.split(':')[0])) {
                if ((await decide(c, only)) === 'Allowed') {
                  used = true;
                  break;
                }
              }
              if (!used) unused.push(`${action} ${resource}`);
            }
          }
        }
      }
      expect(unused).toEqual([]);
    },
  );

  it('the check can fail: an ungranted call is refused, and a key outside LeadingKeys is too', async () => {
    const table = iam.arn(iam.id('AWS::DynamoDB::Table', 'Verifications'));
    const bus = iam.arn(iam.id('AWS::Events::EventBus', 'Events'));
    expect(await allowed({ fn: 'webhook', action: 'events:PutEvents', resource: bus })).toBe(false);
    expect(await allowed({ fn: 'comparator', action: 'events:PutEvents', resource: bus })).toBe(true);
    expect(
      await allowed({ fn: 'token', action: 'dynamodb:DeleteItem', resource: table, leadingKey: 'DOC#abc' }),
    ).toBe(true);
    expect(
      await allowed({ fn: 'token', action: 'dynamodb:DeleteItem', resource: table, leadingKey: 'V#abc' }),
    ).toBe(false);
  });
});
