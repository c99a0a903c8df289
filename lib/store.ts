/**
 * The store and its queues: the verifications table, the FIFO work queue and its dead-letter queue,
 * the event bus, iDenfy's secret and our document-hash key. Stateful: these are what a deployment keeps.
 *
 * A part of the stack, not a nested construct: it builds into the stack's own scope, so the logical IDs
 * of a deployed stack's table, queues, bus and secrets never move (a moved ID would make
 * CloudFormation replace them).
 */
import { CfnOutput, Duration, RemovalPolicy, type Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { MultidocConfig } from './config';
import type { Keys } from './keys';

/** What a list item shows (functions/app/get-verification.ts `summary`): all an index of lists needs. */
export const LIST_ITEM_ATTRIBUTES = [
  'verificationId',
  'clientId',
  'method',
  'status',
  'reasons',
  'createdAt',
  'updatedAt',
  'decidedAt',
  'erasure',
] as const;

/** The comparator's timeout: the work queue's visibility timeout is derived from it. */
export const COMPARATOR_TIMEOUT = Duration.seconds(30);

export class Store {
  readonly table: Table;
  readonly workQueue: Queue;
  readonly deadLetterQueue: Queue;
  /** Where EventBridge puts a sweep run it could not deliver to the sweeper. */
  readonly sweepDeadLetterQueue: Queue;
  readonly bus: EventBus;
  readonly secret: Secret;
  readonly documentHashKey: ISecret;

  constructor(stack: Stack, config: MultidocConfig, keys: Keys) {
    const queueEncryption = keys.data
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: keys.data }
      : { encryption: QueueEncryption.SQS_MANAGED };
    this.table = new Table(stack, 'Verifications', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      ...(keys.data
        ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: keys.data }
        : { encryption: TableEncryption.AWS_MANAGED }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'ttl',
      deletionProtection: true,
    });
    // A client's verifications, newest first (gsi1sk = createdAt#id).
    this.table.addGlobalSecondaryIndex({
      indexName: 'byClient',
      partitionKey: { name: 'gsi1pk', type: AttributeType.STRING },
      sortKey: { name: 'gsi1sk', type: AttributeType.STRING },
    });
    // Sparse: only verifications the sweep has work for (sweepPk = DUE), by when it is due.
    this.table.addGlobalSecondaryIndex({
      indexName: 'bySweep',
      partitionKey: { name: 'sweepPk', type: AttributeType.STRING },
      sortKey: { name: 'sweepAt', type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    // Sparse: only verifications waiting for a person, spread over a few shard keys (reviewPk =
    // REVIEW#0..3), by decision time. It carries only what a list item shows.
    this.table.addGlobalSecondaryIndex({
      indexName: 'byReview',
      partitionKey: { name: 'reviewPk', type: AttributeType.STRING },
      sortKey: { name: 'reviewAt', type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...LIST_ITEM_ATTRIBUTES],
    });

    this.deadLetterQueue = new Queue(stack, 'WorkDeadLetterQueue', {
      fifo: true,
      ...queueEncryption,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.workQueue = new Queue(stack, 'WorkQueue', {
      fifo: true,
      // Deduplication ids are explicit (scanRef#resultVersion): content-based would drop work (docs/architecture.md §8).
      contentBasedDeduplication: false,
      // High-throughput FIFO (free): the limit is per message group, and our groups are per verification.
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      ...queueEncryption,
      enforceSSL: true,
      // AWS's advice for Lambda event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(COMPARATOR_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: config.maxReceiveCount },
    });
    this.sweepDeadLetterQueue = new Queue(stack, 'SweepDeadLetterQueue', {
      ...queueEncryption,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.sweepDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'It is the dead-letter queue of the sweep schedule’s target (alarmed); it needs none itself.',
    });
    this.bus = new EventBus(stack, 'Events', { description: 'Verification status events (idenfy-multidoc)' });

    this.secret = new Secret(stack, 'IdenfySecret', {
      description:
        'iDenfy API key and secret, webhook signing key (set these), and the continue-link key (generated).',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({
          apiKey: 'REPLACE_ME',
          apiSecret: 'REPLACE_ME',
          webhookSigningKey: 'REPLACE_ME',
        }),
        generateStringKey: 'continueLinkKey',
        excludePunctuation: true,
        passwordLength: 48,
      },
      encryptionKey: keys.data,
    });
    // Our own key for document-number hashes: apart from iDenfy's keys, generated, never leaves AWS.
    // Kept when the stack is deleted, like the table: the table's document bindings are hashes under
    // it, and are never matched again without it. A redeploy takes it back with documentHashKeyArn.
    if (config.documentHashKeyArn) {
      this.documentHashKey = Secret.fromSecretCompleteArn(
        stack,
        'DocumentHashKey',
        config.documentHashKeyArn,
      );
    } else {
      const generated = new Secret(stack, 'DocumentHashKey', {
        description:
          'Key for the keyed hashes of document numbers (one document never counts twice). Generated; rotating it forgets every binding. Kept when the stack is deleted (docs/deploy.md: Teardown).',
        generateSecretString: { excludePunctuation: true, passwordLength: 64 },
        encryptionKey: keys.data,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(generated).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating this key makes every stored document hash unrecognisable (a reused document would pass unseen); rotate only with a re-binding plan (docs/decisions.md: Document integrity).',
      });
      this.documentHashKey = generated;
    }
    new CfnOutput(stack, 'DocumentHashKeyArn', {
      value: this.documentHashKey.secretArn,
      description:
        'The document-hash key (kept when the stack is deleted): give it back as -c documentHashKeyArn=… to a redeployed stack that keeps the table',
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'iDenfy issues the API key pair and signing key in its dashboard; they cannot be rotated by a Lambda. Rotate them by hand (docs/deploy.md).',
    });
  }
}
