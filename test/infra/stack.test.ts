/**
 * The stack as CloudFormation: resources, authorization, least privilege (aws-cdk-lib/assertions),
 * cdk-nag v3 with zero unacknowledged findings, and cfn-lint with zero errors.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_CONFIG, validateConfig } from '../../lib/config';
import { MultidocStack } from '../../lib/multidoc-stack';
import { LIST_ITEM_ATTRIBUTES } from '../../lib/store';
import { cfnLint } from '../../local/python-env.cjs';

jest.setTimeout(120_000);

interface Synth {
  template: Template;
  json: Record<string, any>;
  outdir: string;
  stack: MultidocStack;
}

/** Synthesizes like `cdk synth`: real esbuild bundling, cdk-nag plugin on the app. */
function synth(extend?: (stack: MultidocStack) => void): Synth & { error?: unknown } {
  const outdir = mkdtempSync(join(tmpdir(), 'multidoc-infra-'));
  const app = new App({ outdir });
  const stack = new MultidocStack(app, 'IdenfyMultidoc', { config: DEFAULT_CONFIG });
  extend?.(stack);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let error: unknown;
  try {
    app.synth();
  } catch (err) {
    error = err;
  }
  const json = JSON.parse(readFileSync(join(outdir, 'IdenfyMultidoc.template.json'), 'utf8'));
  return { template: Template.fromJSON(json), json, outdir, stack, error };
}

let s: ReturnType<typeof synth>;
beforeAll(() => {
  s = synth();
});
afterAll(() => rmSync(s.outdir, { recursive: true, force: true }));

function resources(type: string): [string, any][] {
  return Object.entries(s.json.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
}

/** Every IAM action granted to the role of a function, by the function's construct id. */
function actionsOf(fn: 'Token' | 'Webhook' | 'Comparator' | 'Sweeper'): string[] {
  const [roleId] =
    resources('AWS::IAM::Role').find(([id]) => id.startsWith(`${fn}FunctionServiceRole`)) ?? [];
  const actions: string[] = [];
  for (const [, policy] of resources('AWS::IAM::Policy')) {
    if (!policy.Properties.Roles.some((r: any) => r.Ref === roleId)) continue;
    for (const st of policy.Properties.PolicyDocument.Statement) actions.push(...[st.Action].flat());
  }
  return actions;
}

describe('cdk-nag (AwsSolutions)', () => {
  it('has zero unacknowledged findings', () => {
    const reportPath = join(s.outdir, 'validation-report.json');
    const report = existsSync(reportPath) ? readFileSync(reportPath, 'utf8') : '';
    expect(s.error).toBeUndefined();
    expect(report).not.toContain('"conclusion": "failure"');
  });

  it.each([
    ['customerManagedKey=true', { customerManagedKey: true }],
    [
      'kmsKeyArn',
      { kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
    ],
    [
      'clientAuth=jwt, alarmEmail, reserved concurrency',
      {
        clientAuth: 'jwt' as const,
        jwtIssuer: 'https://issuer.example',
        jwtAudience: 'multidoc',
        alarmEmail: 'oncall@example.com',
        webhookReservedConcurrency: 20,
      },
    ],
  ])('has zero unacknowledged findings with %s too', (_name, config) => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new MultidocStack(app, 'Variant', { config: { ...DEFAULT_CONFIG, ...config } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });

  it('would fail on a new unacknowledged finding (the check can fail)', () => {
    const bad = synth((stack) => new Secret(stack, 'Unrotated'));
    rmSync(bad.outdir, { recursive: true, force: true });
    expect(String(bad.error)).toContain('AwsSolutions-SMG4');
  });

  it('every acknowledgement carries a reason', () => {
    const acks: [string, string][] = [];
    for (const c of s.stack.node.findAll()) {
      for (const m of c.node.metadata) {
        if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          acks.push(...Object.entries(m.data as Record<string, string>));
      }
    }
    expect(acks.map(([rule]) => rule)).toEqual(expect.arrayContaining(['Annotation::AwsSolutions-SMG4']));
    for (const [, reason] of acks) expect(reason.length).toBeGreaterThan(30);
  });
});

describe('cfn-lint', () => {
  it('finds zero errors in the synthesized template', () => {
    const file = join(s.outdir, 'lint.template.json');
    writeFileSync(file, JSON.stringify(s.json));
    let status = 0;
    let output = '';
    try {
      output = execFileSync(cfnLint(), ['--format', 'parseable', file], { encoding: 'utf8' });
    } catch (err: any) {
      if (err.code === 'ENOENT')
        throw new Error(
          'cfn-lint is not installed: npm ci puts it in .venv/ when a package index is reachable, or pip install cfn-lint',
        );
      status = err.status;
      output = String(err.stdout);
    }
    // Exit status is a bit field: 2 = errors, 4 = warnings, 8 = informational.
    const errors = output.split('\n').filter((l) => /:E\d{4}:/.test(l));
    expect(errors).toEqual([]);
    expect(status & 2).toBe(0);
  });
});

describe('functions', () => {
  it('are Node.js 22 on arm64, bundled (not inline), with JSON logs', () => {
    const fns = resources('AWS::Lambda::Function');
    expect(fns).toHaveLength(4);
    for (const [, fn] of fns) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Code.S3Key).toMatch(/\.zip$/);
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
    }
  });

  it('webhook answers within iDenfy’s 10 s', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('webhooks'),
      Timeout: Match.anyValue(),
    });
    const [, webhook] =
      resources('AWS::Lambda::Function').find(([id]) => id.startsWith('WebhookFunction')) ?? [];
    expect(webhook.Properties.Timeout).toBeLessThan(10);
  });
});

describe('HTTP API', () => {
  it.each([
    ['POST /verifications', 'AWS_IAM'],
    ['GET /verifications', 'AWS_IAM'],
    ['GET /verifications/{verificationId}', 'AWS_IAM'],
    ['POST /verifications/{verificationId}/review', 'AWS_IAM'],
    ['POST /verifications/{verificationId}/cancel', 'AWS_IAM'],
    ['DELETE /verifications/{verificationId}', 'AWS_IAM'],
    ['GET /verifications/{verificationId}/continue', 'NONE'],
    ['POST /webhooks/idenfy', 'NONE'],
    ['GET /health', 'NONE'],
  ])('%s has authorization %s', (routeKey, auth) => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: routeKey,
      AuthorizationType: auth,
    });
  });

  it('serves exactly the routes of docs/architecture.md §2', () => {
    const keys = resources('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey)
      .sort();
    expect(keys).toEqual(
      [
        'GET /health',
        'GET /verifications',
        'GET /verifications/{verificationId}',
        'POST /verifications/{verificationId}/review',
        'POST /verifications/{verificationId}/cancel',
        'DELETE /verifications/{verificationId}',
        'GET /verifications/{verificationId}/continue',
        'POST /verifications',
        'POST /webhooks/idenfy',
      ].sort(),
    );
  });

  it('logs access and throttles on its default stage', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue() },
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
    });
  });
});

describe('data and messaging', () => {
  it('table: encrypted, point-in-time recovery, TTL, client index, sparse sweep and review-queue indexes', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'byClient' }),
        Match.objectLike({
          IndexName: 'bySweep',
          KeySchema: [
            { AttributeName: 'sweepPk', KeyType: 'HASH' },
            { AttributeName: 'sweepAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
        Match.objectLike({
          IndexName: 'byReview',
          KeySchema: [
            { AttributeName: 'reviewPk', KeyType: 'HASH' },
            { AttributeName: 'reviewAt', KeyType: 'RANGE' },
          ],
          // Only what a list item shows: writes do not pay for a full copy of the verification.
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...LIST_ITEM_ATTRIBUTES] },
        }),
      ],
    });
  });

  it('a scheduled rule runs the sweeper every 5 minutes (no polling loops), with retries', () => {
    const [sweeperId] =
      resources('AWS::Lambda::Function').find(([id]) => id.startsWith('SweeperFunction')) ?? [];
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [sweeperId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
  });

  it('work queue: FIFO, explicit deduplication, DLQ after the configured receives, visibility ≥ 6 × comparator timeout', () => {
    const [, work] = resources('AWS::SQS::Queue').find(([id]) => id.startsWith('WorkQueue')) ?? [];
    const [dlqId, dlq] =
      resources('AWS::SQS::Queue').find(([id]) => id.startsWith('WorkDeadLetterQueue')) ?? [];
    expect(work.Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] },
        maxReceiveCount: DEFAULT_CONFIG.maxReceiveCount,
      },
    });
    expect(dlq.Properties.FifoQueue).toBe(true);
    const [, comparator] =
      resources('AWS::Lambda::Function').find(([id]) => id.startsWith('ComparatorFunction')) ?? [];
    expect(work.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * comparator.Properties.Timeout);
  });

  it('queues refuse plain HTTP', () => {
    const policies = resources('AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(3);
    for (const [, p] of policies) {
      expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('alarms on the dead-letter queue and on the age of the oldest work', () => {
    const [dlqId] = resources('AWS::SQS::Queue').find(([id]) => id.startsWith('WorkDeadLetterQueue')) ?? [];
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      AlarmDescription: Match.stringLikeRegexp('dead-letter'),
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
    });
  });

  it('comparator consumes the work queue with partial batch failures', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('custom event bus and a secret with the iDenfy keys and a generated continue-link key', () => {
    s.template.resourceCountIs('AWS::Events::EventBus', 1);
    s.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: {
        SecretStringTemplate: JSON.stringify({
          apiKey: 'REPLACE_ME',
          apiSecret: 'REPLACE_ME',
          webhookSigningKey: 'REPLACE_ME',
        }),
        GenerateStringKey: 'continueLinkKey',
      },
    });
  });

  it('outputs the API URL, webhook URL, bus name and secret name', () => {
    for (const name of ['ApiUrl', 'WebhookUrl', 'EventBusName', 'SecretName']) s.template.hasOutput(name, {});
  });
});

describe('configuration', () => {
  it('passes a configured decision policy to the deciders only (comparator, sweeper, and the token function for cancellations)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MultidocStack(app, 'Configured', {
      config: { ...DEFAULT_CONFIG, decisionPolicy: '{"policyVersion":"acme-1","onMismatch":"REJECTED"}' },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Compares'),
      Environment: {
        Variables: Match.objectLike({
          DECISION_POLICY: '{"policyVersion":"acme-1","onMismatch":"REJECTED"}',
        }),
      },
    });
    const withPolicy = Object.values(t.findResources('AWS::Lambda::Function')).filter(
      (r) => r.Properties.Environment.Variables.DECISION_POLICY,
    );
    expect(withPolicy.map((r) => r.Properties.Description).sort()).toEqual([
      expect.stringContaining('Compares'),
      expect.stringContaining('Scheduled'),
      expect.stringContaining('cancels'),
    ]);
  });
});

describe('client authorization options', () => {
  it('uses a JWT authorizer on the client routes when configured, and none elsewhere', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MultidocStack(app, 'Jwt', {
      config: {
        ...DEFAULT_CONFIG,
        clientAuth: 'jwt',
        jwtIssuer: 'https://issuer.example',
        jwtAudience: 'multidoc',
      },
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.example', Audience: ['multidoc'] },
    });
    const routes = Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map((r) => [
      r.Properties.RouteKey,
      r.Properties.AuthorizationType,
    ]);
    expect(Object.fromEntries(routes)).toEqual({
      'POST /verifications': 'JWT',
      'GET /verifications': 'JWT',
      'GET /verifications/{verificationId}': 'JWT',
      'POST /verifications/{verificationId}/review': 'JWT',
      'POST /verifications/{verificationId}/cancel': 'JWT',
      'DELETE /verifications/{verificationId}': 'JWT',
      'GET /verifications/{verificationId}/continue': 'NONE',
      'GET /health': 'NONE',
      'POST /webhooks/idenfy': 'NONE',
    });
  });

  it('passes the webhook allow-list to the webhook function only', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MultidocStack(app, 'Allow', {
      config: { ...DEFAULT_CONFIG, webhookAllowedIps: '198.51.100.0/24' },
    });
    const fns = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    const withList = fns.filter(
      (f) => f.Properties.Environment.Variables.WEBHOOK_ALLOWED_IPS === '198.51.100.0/24',
    );
    expect(withList.map((f) => f.Properties.Description)).toEqual([expect.stringContaining('webhooks')]);
  });
});

describe('least privilege', () => {
  it('token: table, secret and PutEvents (reviews), no queue', () => {
    const a = actionsOf('Token');
    expect(a).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'secretsmanager:GetSecretValue', 'events:PutEvents']),
    );
    expect(a.filter((x) => x.startsWith('sqs:'))).toEqual([]);
  });

  it('sweeper: table, its index, secret and PutEvents; no queue', () => {
    const a = actionsOf('Sweeper');
    expect(a).toEqual(
      expect.arrayContaining([
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'secretsmanager:GetSecretValue',
        'events:PutEvents',
      ]),
    );
    expect(a.filter((x) => x.startsWith('sqs:'))).toEqual([]);
    expect(JSON.stringify(s.json.Resources)).toContain('/index/bySweep');
  });

  it('webhook: reads and updates the table, sends to the queue, reads the secret; cannot PutEvents', () => {
    const a = actionsOf('Webhook');
    expect(a).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'sqs:SendMessage']));
    expect(a).not.toContain('events:PutEvents');
    expect(a).not.toContain('dynamodb:PutItem');
  });

  it('comparator: table and PutEvents; cannot read the secret or send to the queue', () => {
    const a = actionsOf('Comparator');
    expect(a).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'events:PutEvents']));
    expect(a.filter((x) => x.startsWith('secretsmanager:'))).toEqual([]);
    expect(a).not.toContain('sqs:SendMessage');
  });

  it('no function may scan or use wildcards on the table; only the token function deletes, and only document bindings and start claims', () => {
    for (const fn of ['Token', 'Webhook', 'Comparator', 'Sweeper'] as const) {
      const a = actionsOf(fn);
      expect(a.filter((x) => /dynamodb:(\*|Scan|BatchWriteItem)/.test(x))).toEqual([]);
      expect([fn, a.includes('dynamodb:DeleteItem')]).toEqual([fn, fn === 'Token']);
    }
    const deletes = JSON.stringify(
      resources('AWS::IAM::Policy').flatMap(([, r]) =>
        (r.Properties.PolicyDocument.Statement as { Action: unknown }[]).filter((s) =>
          JSON.stringify(s.Action).includes('DeleteItem'),
        ),
      ),
    );
    expect(deletes).toContain('"dynamodb:LeadingKeys":["DOC#*","CLIENT#*"]');
  });

  it('the webhook alone reads the document-hash key, a secret apart from iDenfy’s keys', () => {
    const secrets = resources('AWS::SecretsManager::Secret');
    expect(secrets).toHaveLength(2);
    const env = (fn: string) =>
      JSON.stringify(
        resources('AWS::Lambda::Function').find(([id]) => id.startsWith(fn))?.[1].Properties.Environment,
      );
    expect(env('Webhook')).toContain('DOCUMENT_HASH_SECRET_ID');
    for (const fn of ['Token', 'Comparator', 'Sweeper'])
      expect(env(fn)).not.toContain('DOCUMENT_HASH_SECRET_ID');
    expect(env('Token')).toContain('"IDENTITY_DOCUMENT_TYPES":"PASSPORT,ID_CARD"');
    // The second document's face check is off unless asked for (it adds a selfie for the user).
    expect(env('Token')).toContain('"DOCUMENT_SESSION_FACE_CHECK":"false"');
  });
});

describe('observability', () => {
  it('one dashboard with verifications, webhooks, verdicts, iDenfy, functions and the queue', () => {
    const dashboards = resources('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);
    for (const metric of [
      'VerificationsStarted',
      'VerificationsFinalized',
      'WebhooksRecorded',
      'WebhooksRejected',
      'MatchVerdicts',
      'IdenfyCallLatency',
      'IdenfyUnavailable',
      'Errors',
      'Throttles',
      'Duration',
      'ApproximateAgeOfOldestMessage',
    ]) {
      expect({ [metric]: body.includes(`\\"${metric}\\"`) }).toEqual({ [metric]: true });
    }
    expect(body).toContain('IdenfyMultidoc');
  });

  it('alarms on the DLQ, old work, every function’s errors and throttles, webhook rejections and iDenfy; each says what to do', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    expect(byMetric('ApproximateAgeOfOldestMessage')).toHaveLength(1);
    expect(byMetric('Errors')).toHaveLength(4);
    expect(byMetric('Throttles')).toHaveLength(4);
    expect(byMetric('WebhooksRejected')).toEqual([
      expect.objectContaining({
        Namespace: 'IdenfyMultidoc',
        Dimensions: [{ Name: 'service', Value: 'IdenfyMultidoc' }],
      }),
    ]);
    expect(byMetric('IdenfyUnavailable')).toHaveLength(1);
    // A contradicting provider result reaches a person at once (one is enough).
    expect(byMetric('ProviderResultChanged')).toEqual([expect.objectContaining({ Threshold: 1 })]);
    for (const a of alarms) expect(String(a.AlarmDescription).length).toBeGreaterThan(80);
  });

  it('the Powertools Tracer is opt-in: off, no function turns it on; tracer=powertools turns it on everywhere', () => {
    for (const [, fn] of resources('AWS::Lambda::Function')) {
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Environment.Variables.MULTIDOC_TRACER).toBeUndefined();
    }
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new MultidocStack(app, 'Traced', { config: { ...DEFAULT_CONFIG, tracer: 'powertools' } });
    const fns = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    expect(fns.map((f) => f.Properties.Environment.Variables.MULTIDOC_TRACER)).toEqual(
      Array(4).fill('powertools'),
    );
  });

  it('functions emit metrics into the namespace the dashboard reads', () => {
    for (const [, fn] of resources('AWS::Lambda::Function')) {
      expect(fn.Properties.Environment.Variables).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'IdenfyMultidoc',
        POWERTOOLS_SERVICE_NAME: 'IdenfyMultidoc',
      });
    }
  });
});

/** A stack with this configuration, synthesized without bundling (fast). */
function templateWith(config: Partial<typeof DEFAULT_CONFIG>, id = 'Configured'): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(new MultidocStack(app, id, { config: { ...DEFAULT_CONFIG, ...config } }));
}

describe('alarms reach a person', () => {
  it('every alarm, and its return to OK, goes to one encrypted topic whose ARN is an output', () => {
    const [topicId, topic] = resources('AWS::SNS::Topic')[0] ?? [];
    expect(topic.Properties.KmsMasterKeyId).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^AlarmTopicKey/), 'Arn'],
    });
    const alarms = resources('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThanOrEqual(13);
    for (const [id, a] of alarms) {
      expect({ id, alarm: a.Properties.AlarmActions, ok: a.Properties.OKActions }).toEqual({
        id,
        alarm: [{ Ref: topicId }],
        ok: [{ Ref: topicId }],
      });
    }
    s.template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
    // Publishing needs TLS, and CloudWatch may use the topic's key.
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    s.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: ['cloudwatch.amazonaws.com', 'events.amazonaws.com'] },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    expect(resources('AWS::SNS::Subscription')).toEqual([]);
  });

  it('alarmEmail subscribes that address', () => {
    const t = templateWith({ alarmEmail: 'oncall@example.com' }, 'Email');
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });

  it('an EventBridge run of the sweeper that cannot be delivered lands in an alarmed dead-letter queue', () => {
    const [dlqId] = resources('AWS::SQS::Queue').find(([id]) => id.startsWith('SweepDeadLetterQueue')) ?? [];
    s.template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } } })],
    });
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
    });
  });
});

describe('keys you own', () => {
  const encrypted = (t: Template) => {
    const json = t.toJSON().Resources as Record<string, any>;
    const of = (type: string) =>
      Object.values(json)
        .filter((r) => r.Type === type)
        .map((r) => r.Properties);
    return {
      table: of('AWS::DynamoDB::Table').map((p) => p.SSESpecification),
      queues: of('AWS::SQS::Queue').map((p) => p.KmsMasterKeyId ?? (p.SqsManagedSseEnabled ? 'SQS' : 'none')),
      logGroups: of('AWS::Logs::LogGroup').map((p) => p.KmsKeyId ?? 'AWS'),
      secrets: of('AWS::SecretsManager::Secret').map((p) => p.KmsKeyId ?? 'AWS'),
      topic: of('AWS::SNS::Topic').map((p) => p.KmsMasterKeyId),
      keys: of('AWS::KMS::Key').length,
    };
  };

  it('by default: AWS-managed keys, and a key of its own for the alarm topic', () => {
    const e = encrypted(s.template);
    expect(e.table).toEqual([{ SSEEnabled: true }]);
    expect(e.queues).toEqual(['SQS', 'SQS', 'SQS']);
    expect(new Set(e.logGroups)).toEqual(new Set(['AWS']));
    expect(e.secrets).toEqual(['AWS', 'AWS']);
    expect(e.keys).toBe(1);
  });

  it('customerManagedKey=true: one new key, rotated, encrypts the table, queues, log groups, secrets and topic', () => {
    const t = templateWith({ customerManagedKey: true }, 'Cmk');
    const [keyId] = Object.keys(t.findResources('AWS::KMS::Key'));
    const key = { 'Fn::GetAtt': [keyId, 'Arn'] };
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    const e = encrypted(t);
    expect(e.keys).toBe(1);
    expect(e.table).toEqual([{ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: key }]);
    expect(e.queues).toEqual([key, key, key]);
    expect(e.logGroups.length).toBe(5);
    for (const g of e.logGroups) expect(g).toEqual(key);
    expect(e.secrets).toEqual([key, key]);
    expect(e.topic).toEqual([key]);
    // CloudWatch Logs may use it for this account's log groups only.
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
    // Each function that reads or writes the table may use the key.
    for (const [, policy] of Object.entries(t.findResources('AWS::IAM::Policy')).filter(([id]) =>
      /^(Token|Webhook|Comparator|Sweeper)Function/.test(id),
    )) {
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('kms:Decrypt');
    }
  });

  it('kmsKeyArn: your key everywhere, and no key is created', () => {
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const e = encrypted(templateWith({ kmsKeyArn: arn }, 'OwnKey'));
    expect(e.keys).toBe(0);
    expect(e.table).toEqual([{ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: arn }]);
    expect(e.queues).toEqual([arn, arn, arn]);
    for (const g of e.logGroups) expect(g).toBe(arn);
    expect(e.secrets).toEqual([arn, arn]);
    expect(e.topic).toEqual([arn]);
  });
});

describe('limits', () => {
  it('the comparator runs at most comparatorMaxConcurrency at once; nothing is reserved unless configured', () => {
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: DEFAULT_CONFIG.comparatorMaxConcurrency },
    });
    for (const [, fn] of resources('AWS::Lambda::Function'))
      expect(fn.Properties.ReservedConcurrentExecutions).toBeUndefined();
    const t = templateWith({
      webhookReservedConcurrency: 20,
      tokenReservedConcurrency: 10,
      comparatorMaxConcurrency: 5,
    });
    const reserved = Object.entries(t.findResources('AWS::Lambda::Function')).map(([id, f]) => [
      id.replace(/Function.*/, ''),
      f.Properties.ReservedConcurrentExecutions,
    ]);
    expect(Object.fromEntries(reserved)).toEqual({
      Token: 10,
      Webhook: 20,
      Comparator: undefined,
      Sweeper: undefined,
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 5 } });
  });

  it('the webhook route has a limit of its own, so client traffic cannot throttle iDenfy', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: {
        ThrottlingRateLimit: DEFAULT_CONFIG.apiRateLimit,
        ThrottlingBurstLimit: DEFAULT_CONFIG.apiBurstLimit,
      },
      RouteSettings: {
        'POST /webhooks/idenfy': {
          ThrottlingRateLimit: DEFAULT_CONFIG.webhookRateLimit,
          ThrottlingBurstLimit: DEFAULT_CONFIG.webhookBurstLimit,
        },
      },
    });
  });

  it('access logs are JSON lines without source IPs', () => {
    const [, stage] = resources('AWS::ApiGatewayV2::Stage')[0] ?? [];
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    expect(stage.Properties.AccessLogSettings.Format).not.toMatch(/sourceIp|\$context\.identity\.sourceIp/);
  });

  it('the work queue is FIFO in high-throughput mode (per message group, which is per verification)', () => {
    const [, work] = resources('AWS::SQS::Queue').find(([id]) => id.startsWith('WorkQueue')) ?? [];
    expect(work.Properties).toMatchObject({
      FifoThroughputLimit: 'perMessageGroupId',
      DeduplicationScope: 'messageGroup',
    });
  });

  it('refuses a configuration it cannot honour, naming the key', () => {
    expect(() => validateConfig({ ...DEFAULT_CONFIG, comparatorMaxConcurrency: 1 })).toThrow(
      /comparatorMaxConcurrency/,
    );
    expect(() => validateConfig({ ...DEFAULT_CONFIG, kmsKeyArn: 'alias/mine' })).toThrow(
      /kmsKeyArn must be a KMS key ARN/,
    );
    expect(() =>
      validateConfig({
        ...DEFAULT_CONFIG,
        customerManagedKey: true,
        kmsKeyArn: 'arn:aws:kms:eu-west-1:111122223333:key/abc',
      }),
    ).toThrow(/not both/);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, alarmEmail: 'nobody' })).toThrow(/alarmEmail/);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, webhookRateLimit: 0 })).toThrow(/webhookRateLimit/);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, webhookReservedConcurrency: 0.5 })).toThrow(
      /webhookReservedConcurrency/,
    );
  });
});

describe('who may call what (separation of duties; the IAM side is proven in test/infra/iam.test.ts)', () => {
  it('with clientAuth=jwt, the token’s scope decides the same way', () => {
    const t = templateWith(
      { clientAuth: 'jwt', jwtIssuer: 'https://issuer.example', jwtAudience: 'multidoc' },
      'Scoped',
    );
    const scopes = Object.fromEntries(
      Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map((r) => [
        r.Properties.RouteKey,
        r.Properties.AuthorizationScopes,
      ]),
    );
    expect(scopes).toEqual({
      'POST /verifications': ['multidoc/client'],
      'GET /verifications': ['multidoc/client', 'multidoc/reviewer'],
      'GET /verifications/{verificationId}': ['multidoc/client', 'multidoc/reviewer'],
      'POST /verifications/{verificationId}/review': ['multidoc/reviewer'],
      'POST /verifications/{verificationId}/cancel': ['multidoc/client'],
      'DELETE /verifications/{verificationId}': ['multidoc/client'],
      'GET /verifications/{verificationId}/continue': undefined,
      'GET /health': undefined,
      'POST /webhooks/idenfy': undefined,
    });
  });
});

describe('deployments can be updated in place', () => {
  it('the stateful resources and the API keep their logical IDs (a moved ID makes CloudFormation replace it)', () => {
    const ids = Object.fromEntries(resources('AWS::DynamoDB::Table').map(([id]) => [id, 'table']));
    for (const [type, name] of [
      ['AWS::SQS::Queue', 'queue'],
      ['AWS::Events::EventBus', 'bus'],
      ['AWS::SecretsManager::Secret', 'secret'],
      ['AWS::ApiGatewayV2::Api', 'api'],
    ] as const)
      for (const [id] of resources(type)) ids[id] = name;
    expect(ids).toEqual({
      Verifications83EAA2F4: 'table',
      WorkDeadLetterQueue12144CB6: 'queue',
      SweepDeadLetterQueue556D11DC: 'queue',
      WorkQueue94013F35: 'queue',
      EventsD32975C2: 'bus',
      IdenfySecret3EA1996C: 'secret',
      DocumentHashKeyBE0AD78E: 'secret',
      ApiF70053CD: 'api',
    });
  });
});
