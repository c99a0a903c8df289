/**
 * What real AWS does that the emulator never shows (docs/deploy.md): two stacks in one account, a
 * teardown that keeps what the table needs, quotas a new account has, log delivery's size cap.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DEFAULT_CONFIG, type MultidocConfig, validateConfig } from '../../lib/config';
import { MultidocStack } from '../../lib/multidoc-stack';

/** A stack synthesized without bundling (fast). */
function template(id: string, config: Partial<MultidocConfig> = {}): Record<string, any> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return Template.fromStack(
    new MultidocStack(app, id, { config: { ...DEFAULT_CONFIG, ...config } }),
  ).toJSON();
}
const of = (t: Record<string, any>, type: string) =>
  Object.entries(t.Resources as Record<string, any>).filter(([, r]) => r.Type === type);

describe('two stacks in one account keep their metrics apart', () => {
  const staging = template('MultidocStaging');
  const production = template('MultidocProduction');
  const services = (t: Record<string, any>) => ({
    functions: new Set(
      of(t, 'AWS::Lambda::Function').map(
        ([, f]) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME,
      ),
    ),
    alarms: new Set(
      of(t, 'AWS::CloudWatch::Alarm').flatMap(([, a]) =>
        (a.Properties.Dimensions ?? []).filter((d: any) => d.Name === 'service').map((d: any) => d.Value),
      ),
    ),
  });

  it("each stack's functions emit, and its alarms read, the stack's own service dimension", () => {
    expect(services(staging)).toEqual({
      functions: new Set(['MultidocStaging']),
      alarms: new Set(['MultidocStaging']),
    });
    expect(services(production)).toEqual({
      functions: new Set(['MultidocProduction']),
      alarms: new Set(['MultidocProduction']),
    });
  });
});

describe('teardown keeps what the retained table needs', () => {
  const t = template('Teardown');

  it('the table and the document-hash key stay when the stack is deleted; the key is an output', () => {
    const [[, table]] = of(t, 'AWS::DynamoDB::Table') as [[string, any]];
    expect(table.DeletionPolicy).toBe('Retain');
    const hashKey = of(t, 'AWS::SecretsManager::Secret').find(([id]) => id.startsWith('DocumentHashKey'));
    expect(hashKey?.[1].DeletionPolicy).toBe('Retain');
    expect(t.Outputs.DocumentHashKeyArn.Value).toEqual({ Ref: hashKey?.[0] });
  });

  it('a redeploy takes the kept key back (documentHashKeyArn): no new key, the webhook reads that one', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:IdenfyMultidoc-hash-AbCdEf';
    const again = template('Redeployed', { documentHashKeyArn: arn });
    expect(of(again, 'AWS::SecretsManager::Secret').map(([id]) => id)).toEqual([
      expect.stringMatching(/^IdenfySecret/),
    ]);
    const webhook = of(again, 'AWS::Lambda::Function').find(([id]) => id.startsWith('WebhookFunction'));
    expect(webhook?.[1].Properties.Environment.Variables.DOCUMENT_HASH_SECRET_ID).toBe(arn);
    expect(JSON.stringify(of(again, 'AWS::IAM::Policy'))).toContain(arn);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, documentHashKeyArn: 'my-secret' })).toThrow(
      /documentHashKeyArn/,
    );
  });
});

describe('deploys that would fail in some accounts are refused at synth', () => {
  it('reserved concurrency must leave 100 unreserved of the account quota', () => {
    expect(() =>
      validateConfig({ ...DEFAULT_CONFIG, webhookReservedConcurrency: 50, tokenReservedConcurrency: 20 }),
    ).not.toThrow();
    // A new account's quota of 50: any reservation leaves less than 100.
    expect(() =>
      validateConfig({ ...DEFAULT_CONFIG, accountConcurrency: 50, webhookReservedConcurrency: 5 }),
    ).toThrow(/must leave at least 100 of accountConcurrency \(50\) unreserved/);
    expect(() =>
      validateConfig({ ...DEFAULT_CONFIG, webhookReservedConcurrency: 600, tokenReservedConcurrency: 301 }),
    ).toThrow(/\(901\) must leave at least 100/);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, webhookReservedConcurrency: 900 })).not.toThrow();
  });

  it('the API access-log group is under /aws/vendedlogs/ (never blocked by a full log delivery policy)', () => {
    const groups = of(template('Logs'), 'AWS::Logs::LogGroup').map(([, g]) => g.Properties.LogGroupName);
    expect(groups).toContain('/aws/vendedlogs/apigateway/Logs/access');
  });

  it('every configuration key is checked at synth, naming it', () => {
    expect(() => validateConfig({ ...DEFAULT_CONFIG, webhookMaxBytes: 10 })).toThrow(/webhookMaxBytes/);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, eventSource: 'aws.mine' })).toThrow(/eventSource/);
    expect(() => validateConfig({ ...DEFAULT_CONFIG, eventSource: 'my source' })).toThrow(/eventSource/);
  });
});

describe('the smoke test’s sandbox outcomes', () => {
  it('are refused unless the stack is configured for iDenfy’s sandbox', () => {
    const env = (t: Record<string, any>) =>
      of(t, 'AWS::Lambda::Function').find(([id]) => id.startsWith('TokenFunction'))?.[1].Properties
        .Environment.Variables.IDENFY_ENVIRONMENT;
    expect(env(template('Production'))).toBe('production');
    expect(env(template('Sandbox', { idenfyEnvironment: 'sandbox' }))).toBe('sandbox');
    expect(() => validateConfig({ ...DEFAULT_CONFIG, idenfyEnvironment: 'dev' as never })).toThrow(
      /idenfyEnvironment/,
    );
  });
});

describe('alarms can notify', () => {
  it("the topic's policy lets CloudWatch publish, for this account's alarms only", () => {
    const [[, policy]] = of(template('Alarms'), 'AWS::SNS::TopicPolicy') as [[string, any]];
    const allow = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Effect === 'Allow');
    expect(allow).toMatchObject({
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: {
        ArnLike: { 'aws:SourceArn': expect.anything() },
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      },
    });
  });
});
