/**
 * `npm run smoke -- --stack <StackName> [--region r]` (a deployed stack) or `npm run smoke -- --local`
 * (against `npm start`): one whole journey on a running system, with iDenfy's sandbox outcomes
 * (`dummyStatus`: no UI, no person). Start → the identity result → the resume link → the document
 * session → the decision → the `Verification Finalized` event, seen through a temporary rule and
 * queue on the bus that this script creates and deletes. One line per step with its time; the last
 * line is `smoke: VERIFIED in <s> s` (exit 0), or names the step that failed and what to check (exit 1).
 * docs/deploy.md, "Prove it works".
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { MultidocClient } from '../client';

export interface Target {
  apiUrl: string;
  eventBusName: string;
  eventSource: string;
  /** The emulator's endpoint (local mode); unset for a deployed stack. */
  endpoint?: string;
  region: string;
}

/** One step that failed: what happened, and what to look at. */
export class SmokeFailure extends Error {
  constructor(
    readonly step: string,
    message: string,
    readonly check: string,
  ) {
    super(message);
  }
}

const STEP_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where to find a running system: `npm start`'s outputs file, or a stack's CloudFormation outputs. */
export async function resolveTarget(args: {
  local?: boolean;
  stack?: string;
  region?: string;
  outputs?: string;
}) {
  if (args.local) {
    const file = args.outputs ?? process.env.LOCAL_OUTPUTS ?? join(__dirname, '..', '.local', 'outputs.json');
    if (!existsSync(file)) {
      throw new SmokeFailure('setup', `${file} does not exist`, 'start the local system first: npm start');
    }
    const o = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    return {
      apiUrl: o.ApiUrl,
      eventBusName: o.EventBusName,
      eventSource: o.EventSource,
      endpoint: o.AwsEndpointUrl,
      region: o.AwsRegion ?? 'us-east-1',
    } as Target;
  }
  if (!args.stack)
    throw new SmokeFailure('setup', 'give --stack <StackName> or --local', 'npm run smoke -- --help');
  const region = args.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new SmokeFailure('setup', 'no Region', 'give --region, or set AWS_REGION');
  const cfn = new CloudFormationClient({ region });
  const out = await cfn.send(new DescribeStacksCommand({ StackName: args.stack })).catch((err: Error) => {
    throw new SmokeFailure(
      'setup',
      `cannot read stack ${args.stack} in ${region}: ${err.name}`,
      'the stack name and Region, and that your credentials may call cloudformation:DescribeStacks',
    );
  });
  const outputs = Object.fromEntries(
    (out.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
  );
  for (const key of ['ApiUrl', 'EventBusName', 'EventSource']) {
    if (!outputs[key])
      throw new SmokeFailure(
        'setup',
        `stack ${args.stack} has no ${key} output`,
        'deploy this version of the stack',
      );
  }
  return {
    apiUrl: outputs.ApiUrl,
    eventBusName: outputs.EventBusName,
    eventSource: outputs.EventSource,
    region,
  } as Target;
}

/** Runs the journey; `print` gets one line per step. Resolves with the seconds it took, or throws SmokeFailure. */
export async function smoke(target: Target, print: (line: string) => void = console.log): Promise<number> {
  const started = Date.now();
  const aws = target.endpoint
    ? {
        endpoint: target.endpoint,
        region: target.region,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      }
    : { region: target.region };
  const sqs = new SQSClient(aws);
  const events = new EventBridgeClient(aws);
  const api = new MultidocClient({ baseUrl: target.apiUrl, region: target.region, retries: 2 });
  const name = `multidoc-smoke-${randomUUID().slice(0, 8)}`;
  const clientId = name;
  let queueUrl: string | undefined;
  let ruleCreated = false;

  const step = async <T>(title: string, check: string, run: () => Promise<T>, describe: (v: T) => string) => {
    const at = Date.now();
    try {
      const value = await run();
      print(
        `  ✓ ${title.padEnd(22)} ${((Date.now() - at) / 1000).toFixed(1).padStart(5)} s  ${describe(value)}`,
      );
      return value;
    } catch (err) {
      if (err instanceof SmokeFailure) throw err;
      throw new SmokeFailure(
        title,
        err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        check,
      );
    }
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`no ${what} after ${STEP_TIMEOUT_MS / 1000} s`);
      await sleep(500);
    }
  };

  try {
    await step(
      'health',
      target.endpoint
        ? 'that npm start is running (its outputs file names this API)'
        : 'the ApiUrl output, and that the stack finished deploying',
      async () => {
        const res = await fetch(`${target.apiUrl}/health`);
        if (res.status !== 200) throw new Error(`GET /health answered ${res.status}`);
        return res.status;
      },
      () => 'the API answers',
    );
    await step(
      'listen on the bus',
      'that your credentials may create SQS queues and EventBridge rules on the bus',
      async () => {
        queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
        const attrs = await sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
        );
        const queueArn = attrs.Attributes?.QueueArn as string;
        const rule = await events.send(
          new PutRuleCommand({
            Name: name,
            EventBusName: target.eventBusName,
            EventPattern: JSON.stringify({
              source: [target.eventSource],
              'detail-type': ['Verification Finalized'],
              detail: { clientId: [clientId] },
            }),
          }),
        );
        ruleCreated = true;
        await sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: queueUrl,
            Attributes: {
              Policy: JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Principal: { Service: 'events.amazonaws.com' },
                    Action: 'sqs:SendMessage',
                    Resource: queueArn,
                    Condition: { ArnEquals: { 'aws:SourceArn': rule.RuleArn } },
                  },
                ],
              }),
            },
          }),
        );
        await events.send(
          new PutTargetsCommand({
            Rule: name,
            EventBusName: target.eventBusName,
            Targets: [{ Id: 'smoke', Arn: queueArn }],
          }),
        );
        return target.eventBusName;
      },
      (bus) => `a temporary rule and queue on ${bus}`,
    );

    const body = { clientId, sandbox: { identity: 'APPROVED' as const, document: 'APPROVED' as const } };
    const started_ = await step(
      'start',
      "the API URL and your credentials (the client app's policy, ClientAppPolicyArn); a 403 naming sandbox means the stack is not idenfyEnvironment=sandbox",
      () => api.start(body),
      (s) => `${s.created ? 201 : 200}, verification ${s.verification.verificationId}`,
    );
    const id = started_.verification.verificationId;

    await step(
      'identity result',
      "iDenfy's webhook reaches the stack: the webhook URL and signing key in iDenfy's dashboard, the webhook function's log group",
      () =>
        until('identity result', async () => {
          const v = await api.get(id);
          return v.sessions.identity?.final ? v.sessions.identity.overall : undefined;
        }),
      (overall) => `iDenfy said ${overall}`,
    );

    const resumed = await step(
      'resume link',
      'the token function log group',
      async () => {
        const r = await api.start(body);
        if (!r.verification.redirectUrl?.includes('/continue')) {
          throw new Error(`expected a continue link, got ${r.verification.redirectUrl}`);
        }
        return r.verification.redirectUrl;
      },
      () => 'the continue link that creates the document session',
    );

    await step(
      'document session',
      "the token function log group (iDenfy's token call); the continue link's expiry",
      async () => {
        const res = await fetch(resumed, { redirect: 'manual' });
        if (res.status !== 302) throw new Error(`the continue link answered ${res.status}`);
        return res.headers.get('location') ?? '';
      },
      (location) => `302 to ${new URL(location).host}`,
    );

    const decided = await step(
      'decision',
      'the comparator function log group, the work queue and its dead-letter queue',
      () =>
        until('decision', async () => {
          const v = await api.get(id);
          return v.status === 'PENDING' ? undefined : v;
        }),
      (v) => `${v.status}${v.reasons.length ? ` (${v.reasons.join(', ')})` : ''}`,
    );
    if (decided.status !== 'VERIFIED') {
      throw new SmokeFailure(
        'decision',
        `the decision was ${decided.status}`,
        'the reasons in GET /verifications/{id}',
      );
    }

    await step(
      'event',
      'the comparator log group (PutEvents), the bus name and source (outputs EventBusName, EventSource)',
      () =>
        until('Verification Finalized event', async () => {
          const out = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
          );
          const found = (out.Messages ?? [])
            .map(
              (m) =>
                JSON.parse(m.Body ?? '{}') as {
                  'detail-type': string;
                  detail: { verificationId: string; eventId: string };
                },
            )
            .find((e) => e.detail.verificationId === id);
          return found;
        }),
      (e) => `${e['detail-type']} ${e.detail.eventId}`,
    );
    return (Date.now() - started) / 1000;
  } finally {
    if (ruleCreated) {
      await events
        .send(new RemoveTargetsCommand({ Rule: name, EventBusName: target.eventBusName, Ids: ['smoke'] }))
        .catch(() => {});
      await events
        .send(new DeleteRuleCommand({ Name: name, EventBusName: target.eventBusName }))
        .catch(() => {});
    }
    if (queueUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => {});
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      local: { type: 'boolean' },
      stack: { type: 'string' },
      region: { type: 'string' },
      outputs: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log('npm run smoke -- --local | --stack <StackName> [--region <region>]  (docs/deploy.md)');
    return;
  }
  try {
    const target = await resolveTarget(values);
    console.log(`smoke: ${values.local ? 'the local system' : `stack ${values.stack}`} at ${target.apiUrl}`);
    const seconds = await smoke(target);
    console.log(`smoke: VERIFIED in ${seconds.toFixed(1)} s`);
  } catch (err) {
    if (!(err instanceof SmokeFailure)) throw err;
    console.log(`smoke: FAILED at ${err.step}: ${err.message}`);
    console.log(`smoke: check ${err.check}`);
    process.exitCode = 1;
  }
}

if (require.main === module) void main();
