/**
 * The four functions: their configuration (every variable the runtime requires), least-privilege access
 * to the store, the work queue as the comparator's event source, and the sweeper's schedule.
 * A part of the stack that builds into its scope (see store.ts for why).
 */
import { Duration, type Stack } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { MultidocConfig } from './config';
import type { Keys } from './keys';
import { MultidocFunction } from './node-function';
import { COMPARATOR_TIMEOUT, type Store } from './store';

export class Functions {
  readonly token: MultidocFunction;
  readonly webhook: MultidocFunction;
  readonly comparator: MultidocFunction;
  readonly sweeper: MultidocFunction;

  constructor(stack: Stack, config: MultidocConfig, store: Store, keys: Keys) {
    const common = {
      TABLE_NAME: store.table.tableName,
      RETENTION_DAYS: String(config.retentionDays),
      EXPIRING_NOTICE_DAYS: String(config.expiringNoticeDays),
    };
    const events = { EVENT_BUS_NAME: store.bus.eventBusName, EVENT_SOURCE: config.eventSource };
    const policy: Record<string, string> = config.decisionPolicy
      ? { DECISION_POLICY: config.decisionPolicy }
      : {};
    // The functions that call iDenfy (the runtime reads these as one section: shared/config.ts).
    const idenfy = {
      SECRET_ID: store.secret.secretArn,
      IDENFY_BASE_URL: config.idenfyBaseUrl,
      IDENFY_TIMEOUT_MS: String(config.idenfyTimeoutMs),
    };
    const powertoolsTracer = config.tracer === 'powertools';
    const logKey = keys.data;
    const logRetentionDays = config.logRetentionDays;
    this.token = new MultidocFunction(stack, 'Token', {
      handler: 'token',
      powertoolsTracer,
      logKey,
      logRetentionDays,
      reservedConcurrency: config.tokenReservedConcurrency,
      description:
        'Starts, lists, reviews, cancels and erases verifications; creates iDenfy sessions; continue links',
      timeout: Duration.seconds(29),
      environment: {
        ...common,
        ...events,
        // A cancellation is a decision: it records the policy version it was made under.
        ...policy,
        ...idenfy,
        DEFAULT_SUCCESS_URL: config.defaultSuccessUrl,
        DEFAULT_ERROR_URL: config.defaultErrorUrl,
        DEFAULT_UNVERIFIED_URL: config.defaultUnverifiedUrl,
        ALLOWED_DOCUMENT_TYPES: config.allowedDocumentTypes.join(','),
        IDENTITY_DOCUMENT_TYPES: config.identityDocumentTypes.join(','),
        TOKEN_EXPIRY_SECONDS: String(config.tokenExpirySeconds),
        DOCUMENT_SESSION_MODE: config.documentSessionMode,
        DOCUMENT_SESSION_FACE_CHECK: String(config.documentSessionFaceCheck),
        IDENFY_ENVIRONMENT: config.idenfyEnvironment,
        ...(config.publicBaseUrl ? { PUBLIC_BASE_URL: config.publicBaseUrl } : {}),
        ...(config.additionalSteps ? { ADDITIONAL_STEPS: config.additionalSteps } : {}),
        ...(config.plans ? { PLANS: config.plans } : {}),
        DEFAULT_PLAN: config.defaultPlan,
        ...(config.secondApprovalReasons.some(Boolean)
          ? { SECOND_APPROVAL_REASONS: config.secondApprovalReasons.filter(Boolean).join(',') }
          : {}),
      },
    });
    this.webhook = new MultidocFunction(stack, 'Webhook', {
      handler: 'webhook',
      powertoolsTracer,
      logKey,
      logRetentionDays,
      reservedConcurrency: config.webhookReservedConcurrency,
      description: "Verifies and records iDenfy's webhooks, queues the comparison",
      // iDenfy gives up on an answer after 10 s.
      timeout: Duration.seconds(9),
      environment: {
        ...common,
        SECRET_ID: store.secret.secretArn,
        DOCUMENT_HASH_SECRET_ID: store.documentHashKey.secretArn,
        QUEUE_URL: store.workQueue.queueUrl,
        WEBHOOK_MAX_BYTES: String(config.webhookMaxBytes),
        ...(config.webhookAllowedIps ? { WEBHOOK_ALLOWED_IPS: config.webhookAllowedIps } : {}),
      },
    });
    this.comparator = new MultidocFunction(stack, 'Comparator', {
      handler: 'comparator',
      powertoolsTracer,
      logKey,
      logRetentionDays,
      description: 'Compares both sessions of a verification, decides and publishes the status',
      timeout: COMPARATOR_TIMEOUT,
      environment: { ...common, ...events, ...policy },
    });
    this.sweeper = new MultidocFunction(stack, 'Sweeper', {
      handler: 'sweeper',
      powertoolsTracer,
      logKey,
      logRetentionDays,
      description:
        'Scheduled: expires abandoned verifications, retries unpublished events and erasures, announces expiring permits',
      timeout: Duration.minutes(5),
      environment: {
        ...common,
        ...events,
        ...policy,
        ...idenfy,
      },
    });
    const { token, webhook, comparator, sweeper } = this;

    // Least privilege: each function gets only the table actions it performs.
    const tableActions = (actions: string[], index?: string) =>
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [index ? `${store.table.tableArn}/index/${index}` : store.table.tableArn],
      });
    // ConditionCheckItem: claiming the document session checks, in the same write, that the identity
    // step's result is no denial.
    token.fn.addToRolePolicy(
      tableActions(['GetItem', 'PutItem', 'UpdateItem', 'Query', 'ConditionCheckItem']),
    );
    // Deletes only two kinds of item: document bindings (erasure) and a start's claim on a client's
    // slot (given up when iDenfy fails). Never a verification, a result or an audit line.
    token.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [store.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DOC#*', 'CLIENT#*'] } },
      }),
    );
    // The lists: a client's verifications and the review queue.
    token.fn.addToRolePolicy(tableActions(['Query'], 'byClient'));
    token.fn.addToRolePolicy(tableActions(['Query'], 'byReview'));
    // Decisions (comparator, sweep) bind documents (PutItem of DOC# items).
    webhook.fn.addToRolePolicy(tableActions(['GetItem', 'UpdateItem']));
    comparator.fn.addToRolePolicy(tableActions(['GetItem', 'PutItem', 'UpdateItem', 'Query']));
    sweeper.fn.addToRolePolicy(tableActions(['GetItem', 'PutItem', 'UpdateItem', 'Query']));
    sweeper.fn.addToRolePolicy(tableActions(['Query'], 'bySweep'));
    // A customer key encrypts the table, the queue and the secrets: each function uses it for exactly
    // what they need (no wildcards: CDK's grantEncryptDecrypt would add kms:ReEncrypt* and GenerateDataKey*).
    for (const f of [token, webhook, comparator, sweeper])
      keys.data?.grant(f.fn, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey');
    // Exactly the calls the code makes (test/integration/least-privilege.test.ts compares the two):
    // CDK's grantRead and grantSendMessages would add DescribeSecret, GetQueueAttributes and GetQueueUrl.
    const readSecret = (secretArn: string) =>
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] });
    token.fn.addToRolePolicy(readSecret(store.secret.secretArn));
    webhook.fn.addToRolePolicy(readSecret(store.secret.secretArn));
    webhook.fn.addToRolePolicy(readSecret(store.documentHashKey.secretArn));
    sweeper.fn.addToRolePolicy(readSecret(store.secret.secretArn));
    webhook.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [store.workQueue.queueArn] }),
    );
    // Decisions (comparator, sweep) and reviews (token) publish through the outbox.
    store.bus.grantPutEventsTo(comparator.fn);
    store.bus.grantPutEventsTo(token.fn);
    store.bus.grantPutEventsTo(sweeper.fn);

    // No polling loops: one scheduled run every few minutes reads only what is due (the bySweep index).
    new Rule(stack, 'SweepSchedule', {
      description: 'Runs the sweeper: abandonment, outbox and erasure retries, expiring permits',
      schedule: Schedule.rate(Duration.minutes(config.sweepIntervalMinutes)),
      targets: [
        new LambdaFunction(sweeper.fn, { retryAttempts: 2, deadLetterQueue: store.sweepDeadLetterQueue }),
      ],
    });

    comparator.fn.addEventSource(
      new SqsEventSource(store.workQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // A cap on comparators at once, so a backlog drains at a rate DynamoDB and EventBridge take.
        maxConcurrency: config.comparatorMaxConcurrency,
      }),
    );
  }
}
