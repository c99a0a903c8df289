/**
 * Keys you own (docs/deploy.md, "Encryption keys"). By default AWS-managed keys encrypt the table,
 * queues, secrets and logs. With `customerManagedKey: true` one new key, rotated yearly, encrypts all of
 * them; with `kmsKeyArn` your existing key does. The alarm topic always has a customer key: CloudWatch
 * cannot publish to a topic under the AWS-managed SNS key, whose policy nobody can change.
 * A part of the stack that builds into its scope (see store.ts for why).
 */
import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { MultidocConfig } from './config';

export class Keys {
  /** The key of the stored data, queues, secrets and logs; undefined: AWS-managed keys. */
  readonly data?: IKey;
  /** The alarm topic's key: the data key when there is one, otherwise a small key of its own. */
  readonly alarms: IKey;

  constructor(stack: Stack, config: MultidocConfig) {
    if (config.kmsKeyArn) {
      // Its policy is yours: it must let CloudWatch Logs, CloudWatch and EventBridge use it (docs/deploy.md).
      this.data = Key.fromKeyArn(stack, 'DataKey', config.kmsKeyArn);
    } else if (config.customerManagedKey) {
      const key = new Key(stack, 'DataKey', {
        description: 'idenfy-multidoc: table, queues, secrets, logs and alarm topic',
        enableKeyRotation: true,
        // Data encrypted under it outlives a deleted stack (the table is retained too).
        removalPolicy: RemovalPolicy.RETAIN,
      });
      allowLogs(stack, key);
      allowAlarmsAndEvents(key);
      grantsOnlyForAwsServices(key);
      this.data = key;
    }
    if (this.data) {
      this.alarms = this.data;
    } else {
      const key = new Key(stack, 'AlarmTopicKey', {
        description: 'idenfy-multidoc: the alarm topic (CloudWatch publishes to it)',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      allowAlarmsAndEvents(key);
      grantsOnlyForAwsServices(key);
      this.alarms = key;
    }
  }
}

/**
 * Grants on the key only for AWS services acting for a resource (DynamoDB, SQS and Logs use grants):
 * nobody can hand the key to a principal of their choosing (AWS Control Tower control CT.KMS.PR.3).
 */
function grantsOnlyForAwsServices(key: Key): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'GrantsOnlyForAwsServices',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}

/** CloudWatch Logs encrypts this account's log groups in this Region with the key. */
function allowLogs(stack: Stack, key: Key): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
        },
      },
    }),
  );
}

/** CloudWatch alarms publish to the topic; EventBridge sends failed sweep runs to their dead-letter queue. */
function allowAlarmsAndEvents(key: Key): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [
        new ServicePrincipal('cloudwatch.amazonaws.com'),
        new ServicePrincipal('events.amazonaws.com'),
      ],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }),
  );
}
