/**
 * Permissions proven the way AWS evaluates them (docs/deploy.md, "What is proven before a deploy"):
 * every service-to-service path and every caller role, over the synthesized template, decided by an
 * offline IAM evaluator (identity policies, resource policies, explicit denies, conditions), allowed
 * and denied. moto evaluates none of these, so nothing else here would notice a missing statement.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG, type MultidocConfig } from '../../lib/config';
import { MultidocStack } from '../../lib/multidoc-stack';
import { CfnIam } from '../support/cfn-iam';

jest.setTimeout(60_000);

function iamOf(id: string, config: Partial<MultidocConfig> = {}): CfnIam {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MultidocStack(app, id, { config: { ...DEFAULT_CONFIG, ...config } });
  return new CfnIam(Template.fromStack(stack).toJSON());
}

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const plain = iamOf('Iam');
const cmk = iamOf('IamCmk', { customerManagedKey: true });

describe('CloudWatch alarms reach the topic', () => {
  it.each([
    ['default', plain],
    ['customer key', cmk],
  ])('%s: this account’s alarms may publish (over TLS); another account’s may not', async (_name, iam) => {
    const topic = iam.id('AWS::SNS::Topic', 'AlarmTopic');
    const publish = (account: string, tls = 'true') =>
      iam.decide({
        principal: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: iam.arn(topic),
        context: {
          'aws:SourceArn': `arn:aws:cloudwatch:eu-west-1:${account}:alarm:WebhookErrors`,
          'aws:SourceAccount': account,
          'aws:SecureTransport': tls,
        },
        resourcePolicy: iam.resourcePolicy(topic),
      });
    expect(await publish(ACCOUNT)).toBe('Allowed');
    expect(await publish(OTHER)).toBe('ImplicitlyDenied');
    expect(await publish(ACCOUNT, 'false')).toBe('ExplicitlyDenied');
  });

  it.each([
    ['default', plain, 'AlarmTopicKey'],
    ['customer key', cmk, 'DataKey'],
  ])('%s: CloudWatch may use the topic’s key; another service may not', async (_name, iam, keyPrefix) => {
    const key = iam.id('AWS::KMS::Key', keyPrefix);
    const use = (principal: string, action: string) =>
      iam.decide({ principal, action, resource: iam.arn(key), resourcePolicy: iam.resourcePolicy(key) });
    expect(await use('cloudwatch.amazonaws.com', 'kms:GenerateDataKey')).toBe('Allowed');
    expect(await use('cloudwatch.amazonaws.com', 'kms:Decrypt')).toBe('Allowed');
    expect(await use('s3.amazonaws.com', 'kms:GenerateDataKey')).toBe('ImplicitlyDenied');
    // Nobody outside AWS services hands the key to a principal of their choosing.
    expect(
      await iam.decide({
        principal: `arn:aws:iam::${ACCOUNT}:role/admin`,
        action: 'kms:CreateGrant',
        resource: iam.arn(key),
        context: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        identityPolicies: [
          {
            name: 'admin',
            policy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }],
            },
          },
        ],
        resourcePolicy: iam.resourcePolicy(key),
      }),
    ).toBe('ExplicitlyDenied');
  });
});

describe('EventBridge reaches the sweep’s dead-letter queue', () => {
  it.each([
    ['default', plain],
    ['customer key', cmk],
  ])('%s: the sweep schedule may send to it; another rule may not', async (_name, iam) => {
    const dlq = iam.id('AWS::SQS::Queue', 'SweepDeadLetterQueue');
    const rule = iam.id('AWS::Events::Rule', 'SweepSchedule');
    const send = (sourceArn: string) =>
      iam.decide({
        principal: 'events.amazonaws.com',
        action: 'sqs:SendMessage',
        resource: iam.arn(dlq),
        context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT },
        resourcePolicy: iam.resourcePolicy(dlq),
      });
    expect(await send(iam.arn(rule))).toBe('Allowed');
    expect(await send(`arn:aws:events:eu-west-1:${ACCOUNT}:rule/SomeoneElses`)).toBe('ImplicitlyDenied');
  });

  it('with a customer key, EventBridge may encrypt to the queue', async () => {
    const key = cmk.id('AWS::KMS::Key', 'DataKey');
    expect(
      await cmk.decide({
        principal: 'events.amazonaws.com',
        action: 'kms:GenerateDataKey',
        resource: cmk.arn(key),
        resourcePolicy: cmk.resourcePolicy(key),
      }),
    ).toBe('Allowed');
  });
});

describe('CloudWatch Logs encrypts the log groups with a customer key', () => {
  it("this account's log groups in this Region, and no one else's", async () => {
    const key = cmk.id('AWS::KMS::Key', 'DataKey');
    // iam-simulate drops `kms:EncryptionContext:<key>` request keys (its action data writes them with a
    // placeholder it expands only after a '/'), so the condition is evaluated under a global key the
    // evaluator keeps: the same operator, the same values.
    const AS_WRITTEN = 'kms:EncryptionContext:aws:logs:arn';
    const policy = JSON.parse(
      JSON.stringify(cmk.resourcePolicy(key)).replaceAll(AS_WRITTEN, 'aws:SourceArn'),
    );
    expect(JSON.stringify(cmk.resourcePolicy(key))).toContain(AS_WRITTEN);
    const encrypt = (logGroupArn: string, principal = 'logs.eu-west-1.amazonaws.com') =>
      cmk.decide({
        principal,
        action: 'kms:GenerateDataKey',
        resource: cmk.arn(key),
        context: { 'aws:SourceArn': logGroupArn },
        resourcePolicy: policy,
      });
    const mine = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/IamCmk-Token`;
    expect(await encrypt(mine)).toBe('Allowed');
    expect(await encrypt(`arn:aws:logs:eu-west-1:${OTHER}:log-group:/aws/lambda/x`)).toBe('ImplicitlyDenied');
    // Logs of another Region is another principal.
    expect(await encrypt(mine, 'logs.us-east-1.amazonaws.com')).toBe('ImplicitlyDenied');
  });
});

describe('the event source mapping reads the work queue with the comparator’s role', () => {
  const POLLING = [
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:ChangeMessageVisibility',
    'sqs:GetQueueAttributes',
  ];

  it.each([
    ['default', plain],
    ['customer key', cmk],
  ])('%s: the comparator may poll it; the webhook function may only send to it', async (_name, iam) => {
    const queue = iam.id('AWS::SQS::Queue', 'WorkQueue');
    const as = async (fnPrefix: string, action: string) => {
      const role = iam.functionRole(iam.id('AWS::Lambda::Function', fnPrefix));
      return iam.decide({
        principal: iam.arn(role),
        action,
        resource: iam.arn(queue),
        identityPolicies: iam.rolePolicies(role),
        resourcePolicy: iam.resourcePolicy(queue),
      });
    };
    for (const action of POLLING)
      expect({ action, d: await as('ComparatorFunction', action) }).toEqual({ action, d: 'Allowed' });
    expect(await as('WebhookFunction', 'sqs:SendMessage')).toBe('Allowed');
    expect(await as('WebhookFunction', 'sqs:ReceiveMessage')).toBe('ImplicitlyDenied');
    expect(await as('TokenFunction', 'sqs:SendMessage')).toBe('ImplicitlyDenied');
  });

  it('with a customer key, the comparator may decrypt what it reads (key policy and role together)', async () => {
    const key = cmk.id('AWS::KMS::Key', 'DataKey');
    const role = cmk.functionRole(cmk.id('AWS::Lambda::Function', 'ComparatorFunction'));
    const use = (action: string) =>
      cmk.decide({
        principal: cmk.arn(role),
        action,
        resource: cmk.arn(key),
        identityPolicies: cmk.rolePolicies(role),
        resourcePolicy: cmk.resourcePolicy(key),
      });
    expect(await use('kms:Decrypt')).toBe('Allowed');
    expect(await use('kms:ScheduleKeyDeletion')).toBe('ImplicitlyDenied');
  });
});

describe('API Gateway invokes each function for its own routes only', () => {
  const api = plain.id('AWS::ApiGatewayV2::Api', 'Api');
  const route = (method: string, path: string, apiId = plain.ref(api)) =>
    `arn:aws:execute-api:eu-west-1:${ACCOUNT}:${apiId}/$default/${method}${path}`;
  const invoke = (fnPrefix: string, sourceArn: string) => {
    const fn = plain.id('AWS::Lambda::Function', fnPrefix);
    return plain.decide({
      principal: 'apigateway.amazonaws.com',
      action: 'lambda:InvokeFunction',
      resource: plain.arn(fn),
      context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': ACCOUNT },
      resourcePolicy: plain.resourcePolicy(fn),
    });
  };

  it('the token function: its routes; the webhook function: the webhook route', async () => {
    // API Gateway names the route as declared (with its {parameter}), not the path requested.
    expect(await invoke('TokenFunction', route('POST', '/verifications'))).toBe('Allowed');
    expect(await invoke('TokenFunction', route('GET', '/verifications/{verificationId}/continue'))).toBe(
      'Allowed',
    );
    expect(await invoke('WebhookFunction', route('POST', '/webhooks/idenfy'))).toBe('Allowed');
    expect(await invoke('WebhookFunction', route('POST', '/verifications'))).toBe('ImplicitlyDenied');
    expect(await invoke('TokenFunction', route('POST', '/webhooks/idenfy'))).toBe('ImplicitlyDenied');
    // Another API (even in this account) cannot invoke them.
    expect(await invoke('TokenFunction', route('POST', '/verifications', 'otherapi01'))).toBe(
      'ImplicitlyDenied',
    );
  });
});

describe('who may call what: the caller roles, as IAM decides', () => {
  const api = plain.id('AWS::ApiGatewayV2::Api', 'Api');
  const id = 'b3c1a2d4-0000-4000-8000-000000000001';
  const may = async (policyPrefix: string, method: string, path: string) =>
    (await plain.decide({
      principal: `arn:aws:iam::${ACCOUNT}:role/caller`,
      action: 'execute-api:Invoke',
      resource: `arn:aws:execute-api:eu-west-1:${ACCOUNT}:${plain.ref(api)}/$default/${method}${path}`,
      identityPolicies: [plain.managedPolicy(plain.id('AWS::IAM::ManagedPolicy', policyPrefix))],
    })) === 'Allowed';

  it('a client app may start, read, list, cancel and erase, and never review', async () => {
    expect({
      start: await may('ClientAppPolicy', 'POST', '/verifications'),
      list: await may('ClientAppPolicy', 'GET', '/verifications'),
      get: await may('ClientAppPolicy', 'GET', `/verifications/${id}`),
      cancel: await may('ClientAppPolicy', 'POST', `/verifications/${id}/cancel`),
      erase: await may('ClientAppPolicy', 'DELETE', `/verifications/${id}`),
      review: await may('ClientAppPolicy', 'POST', `/verifications/${id}/review`),
    }).toEqual({ start: true, list: true, get: true, cancel: true, erase: true, review: false });
  });

  it('a reviewer may read the queue, read and review, and never start, cancel or erase', async () => {
    expect({
      queue: await may('ReviewerPolicy', 'GET', '/verifications'),
      get: await may('ReviewerPolicy', 'GET', `/verifications/${id}`),
      review: await may('ReviewerPolicy', 'POST', `/verifications/${id}/review`),
      start: await may('ReviewerPolicy', 'POST', '/verifications'),
      cancel: await may('ReviewerPolicy', 'POST', `/verifications/${id}/cancel`),
      erase: await may('ReviewerPolicy', 'DELETE', `/verifications/${id}`),
    }).toEqual({ queue: true, get: true, review: true, start: false, cancel: false, erase: false });
  });

  it('the evaluator is IAM’s: a wildcard spans slashes (a bare `/verifications/*` would let a client review)', async () => {
    const wide = {
      name: 'wide',
      policy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'execute-api:Invoke',
            Resource: `arn:aws:execute-api:eu-west-1:${ACCOUNT}:x/$default/POST/verifications/*`,
          },
        ],
      },
    };
    const review = `arn:aws:execute-api:eu-west-1:${ACCOUNT}:x/$default/POST/verifications/abc/review`;
    expect(
      await plain.decide({
        principal: `arn:aws:iam::${ACCOUNT}:role/c`,
        action: 'execute-api:Invoke',
        resource: review,
        identityPolicies: [wide],
      }),
    ).toBe('Allowed');
  });
});
