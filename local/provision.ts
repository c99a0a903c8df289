/**
 * Creates the template's DynamoDB tables, SQS queues (with their redrive policies), event buses and
 * secrets on an AWS emulator through the SDK (moto's CloudFormation cannot take a CDK template),
 * and resolves each function's environment the way CloudFormation would.
 */
import { randomBytes } from 'node:crypto';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type CfnTemplate, type Intrinsic, resourcesOfType } from './template';

export interface ProvisionOptions {
  /** Prefix of every physical name, so several systems can share one emulator. */
  prefix: string;
  /** Values for the secret's template keys (the generated key is generated). */
  secretValues: Record<string, string>;
  /** Local override of the work queues' visibility timeout (seconds); the template's value otherwise. */
  visibilityTimeoutSeconds?: number;
}

export interface PhysicalResource {
  /** What `Ref` returns: table name, queue URL, bus name, secret ARN. */
  ref: string;
  arn: string;
}

export interface Provisioned {
  resources: Record<string, PhysicalResource>;
  /** Each function's resolved environment, by logical id. */
  functionEnv: Record<string, Record<string, string>>;
  resolve: (value: Intrinsic) => string;
}

export interface AwsClients {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  events: EventBridgeClient;
  secrets: SecretsManagerClient;
}

export function awsClients(): AwsClients {
  return {
    dynamodb: new DynamoDBClient({}),
    sqs: new SQSClient({}),
    events: new EventBridgeClient({}),
    secrets: new SecretsManagerClient({}),
  };
}

export async function provision(
  t: CfnTemplate,
  opts: ProvisionOptions,
  aws: AwsClients,
): Promise<Provisioned> {
  const resources: Record<string, PhysicalResource> = {};
  const name = (id: string, max: number, suffix = '') =>
    `${opts.prefix}-${id}`.slice(0, max - suffix.length) + suffix;

  const resolve = (value: Intrinsic): string => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return physical(v.Ref).ref;
    const att = v['Fn::GetAtt'] as [string, string] | undefined;
    if (att && att[1] === 'Arn') return physical(att[0]).arn;
    const join = v['Fn::Join'] as [string, Intrinsic[]] | undefined;
    if (join) return join[1].map(resolve).join(join[0]);
    throw new Error(`Local mode cannot resolve ${JSON.stringify(value)}`);
  };
  const physical = (id: string) => {
    const r = resources[id];
    if (!r) throw new Error(`Resource ${id} is not provisioned locally`);
    return r;
  };

  for (const [id, r] of resourcesOfType(t, 'AWS::DynamoDB::Table')) {
    const p = r.Properties ?? {};
    const tableName = name(id, 255);
    const out = await aws.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        KeySchema: p.KeySchema as KeySchemaElement[],
        AttributeDefinitions: p.AttributeDefinitions as AttributeDefinition[],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: p.GlobalSecondaryIndexes as GlobalSecondaryIndex[] | undefined,
      }),
    );
    const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    if (ttl?.Enabled && ttl.AttributeName) {
      await aws.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
        }),
      );
    }
    resources[id] = { ref: tableName, arn: out.TableDescription?.TableArn ?? '' };
  }

  // Dead-letter queues first: a redrive policy names its target's ARN.
  const queues = resourcesOfType(t, 'AWS::SQS::Queue').sort(
    ([, a], [, b]) =>
      Number(Boolean(a.Properties?.RedrivePolicy)) - Number(Boolean(b.Properties?.RedrivePolicy)),
  );
  for (const [id, r] of queues) {
    const p = r.Properties ?? {};
    const fifo = p.FifoQueue === true;
    const attributes: Record<string, string> = {};
    if (fifo) attributes.FifoQueue = 'true';
    if (p.ContentBasedDeduplication !== undefined)
      attributes.ContentBasedDeduplication = String(p.ContentBasedDeduplication);
    if (p.MessageRetentionPeriod !== undefined)
      attributes.MessageRetentionPeriod = String(p.MessageRetentionPeriod);
    if (p.VisibilityTimeout !== undefined) attributes.VisibilityTimeout = String(p.VisibilityTimeout);
    if (p.RedrivePolicy) {
      const redrive = p.RedrivePolicy as { deadLetterTargetArn: Intrinsic; maxReceiveCount: number };
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: resolve(redrive.deadLetterTargetArn),
        maxReceiveCount: redrive.maxReceiveCount,
      });
      if (opts.visibilityTimeoutSeconds !== undefined)
        attributes.VisibilityTimeout = String(opts.visibilityTimeoutSeconds);
    }
    const created = await aws.sqs.send(
      new CreateQueueCommand({ QueueName: name(id, 80, fifo ? '.fifo' : ''), Attributes: attributes }),
    );
    const url = created.QueueUrl ?? '';
    const attrs = await aws.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    resources[id] = { ref: url, arn: attrs.Attributes?.QueueArn ?? '' };
  }

  for (const [id] of resourcesOfType(t, 'AWS::Events::EventBus')) {
    const busName = name(id, 256);
    const out = await aws.events.send(new CreateEventBusCommand({ Name: busName }));
    resources[id] = { ref: busName, arn: out.EventBusArn ?? '' };
  }

  for (const [id, r] of resourcesOfType(t, 'AWS::SecretsManager::Secret')) {
    const out = await aws.secrets.send(
      new CreateSecretCommand({
        Name: name(id, 512),
        SecretString: secretString(r.Properties ?? {}, opts.secretValues),
      }),
    );
    resources[id] = { ref: out.ARN ?? '', arn: out.ARN ?? '' };
  }

  const functionEnv: Record<string, Record<string, string>> = {};
  for (const [id, r] of resourcesOfType(t, 'AWS::Lambda::Function')) {
    const vars = ((r.Properties?.Environment as { Variables?: Record<string, Intrinsic> })?.Variables ??
      {}) as Record<string, Intrinsic>;
    functionEnv[id] = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolve(v)]));
  }
  return { resources, functionEnv, resolve };
}

/** The secret as CloudFormation would generate it, with the template's placeholders set to local values. */
function secretString(p: Record<string, unknown>, values: Record<string, string>): string {
  if (typeof p.SecretString === 'string') return p.SecretString;
  const gen = p.GenerateSecretString as
    | { SecretStringTemplate?: string; GenerateStringKey?: string; PasswordLength?: number }
    | undefined;
  const random = (length: number) => randomBytes(length).toString('base64url').slice(0, length);
  // A generated plain string (no template, no key): a key of our own, such as the document-hash key.
  if (gen && !gen.SecretStringTemplate && !gen.GenerateStringKey) return random(gen.PasswordLength ?? 32);
  const obj: Record<string, string> = JSON.parse(gen?.SecretStringTemplate ?? '{}');
  for (const key of Object.keys(obj)) if (values[key] !== undefined) obj[key] = values[key];
  if (gen?.GenerateStringKey) {
    obj[gen.GenerateStringKey] = values[gen.GenerateStringKey] ?? random(gen.PasswordLength ?? 32);
  }
  return JSON.stringify(obj);
}
