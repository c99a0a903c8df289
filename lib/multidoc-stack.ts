/**
 * The whole product as one stack: HTTP API → token/webhook Lambdas → DynamoDB + FIFO queue →
 * comparator Lambda → EventBridge bus. Secrets in Secrets Manager. docs/architecture.md §1.
 */
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_CONFIG, type MultidocConfig } from './config';
import { MultidocFunction } from './node-function';
import { Observability } from './observability';

export interface MultidocStackProps extends StackProps {
  config?: MultidocConfig;
}

/** Routes of docs/architecture.md §2 and who may call them. */
export const ROUTES = {
  client: [
    { method: HttpMethod.POST, path: '/verifications' },
    { method: HttpMethod.GET, path: '/verifications' },
    { method: HttpMethod.GET, path: '/verifications/{verificationId}' },
    { method: HttpMethod.POST, path: '/verifications/{verificationId}/review' },
    { method: HttpMethod.POST, path: '/verifications/{verificationId}/cancel' },
    { method: HttpMethod.DELETE, path: '/verifications/{verificationId}' },
  ],
  browser: [{ method: HttpMethod.GET, path: '/verifications/{verificationId}/continue' }],
  public: [{ method: HttpMethod.GET, path: '/health' }],
  idenfy: [{ method: HttpMethod.POST, path: '/webhooks/idenfy' }],
} as const;

const COMPARATOR_TIMEOUT = Duration.seconds(30);
/** Powertools' service name: the `service` dimension of every custom metric. */
export const SERVICE_NAME = 'idenfy-multidoc';

export class MultidocStack extends Stack {
  readonly api: HttpApi;
  readonly table: Table;
  readonly workQueue: Queue;
  readonly deadLetterQueue: Queue;
  readonly bus: EventBus;
  readonly secret: Secret;
  readonly documentHashKey: Secret;
  readonly functions: Record<'token' | 'webhook' | 'comparator' | 'sweeper', MultidocFunction>;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: MultidocStackProps = {}) {
    super(scope, id, props);
    const config = props.config ?? DEFAULT_CONFIG;

    this.table = new Table(this, 'Verifications', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
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

    this.deadLetterQueue = new Queue(this, 'WorkDeadLetterQueue', {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.workQueue = new Queue(this, 'WorkQueue', {
      fifo: true,
      // Deduplication ids are explicit (scanRef#resultVersion): content-based would drop work (docs/architecture.md §8).
      contentBasedDeduplication: false,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for Lambda event sources: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(COMPARATOR_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: config.maxReceiveCount },
    });
    this.bus = new EventBus(this, 'Events', { description: 'Verification status events (idenfy-multidoc)' });

    this.secret = new Secret(this, 'IdenfySecret', {
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
    });
    // Our own key for document-number hashes: apart from iDenfy's keys, generated, never leaves AWS.
    this.documentHashKey = new Secret(this, 'DocumentHashKey', {
      description:
        'Key for the keyed hashes of document numbers (one document never counts twice). Generated; rotating it forgets every binding.',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
    });
    Validations.of(this.documentHashKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating this key makes every stored document hash unrecognisable (a reused document would pass unseen); rotate only with a re-binding plan (docs/decisions.md: Document integrity).',
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'iDenfy issues the API key pair and signing key in its dashboard; they cannot be rotated by a Lambda. Rotate them by hand (docs/deploy.md).',
    });

    const common = {
      TABLE_NAME: this.table.tableName,
      RETENTION_DAYS: String(config.retentionDays),
      EXPIRING_NOTICE_DAYS: String(config.expiringNoticeDays),
    };
    const events = { EVENT_BUS_NAME: this.bus.eventBusName, EVENT_SOURCE: config.eventSource };
    const policy: Record<string, string> = config.decisionPolicy
      ? { DECISION_POLICY: config.decisionPolicy }
      : {};
    const token = new MultidocFunction(this, 'Token', {
      handler: 'token',
      powertoolsTracer: config.tracer === 'powertools',
      description:
        'Starts, lists, reviews, cancels and erases verifications; creates iDenfy sessions; continue links',
      timeout: Duration.seconds(29),
      environment: {
        ...common,
        ...events,
        // A cancellation is a decision: it records the policy version it was made under.
        ...policy,
        SECRET_ID: this.secret.secretArn,
        IDENFY_BASE_URL: config.idenfyBaseUrl,
        IDENFY_TIMEOUT_MS: String(config.idenfyTimeoutMs),
        DEFAULT_SUCCESS_URL: config.defaultSuccessUrl,
        DEFAULT_ERROR_URL: config.defaultErrorUrl,
        DEFAULT_UNVERIFIED_URL: config.defaultUnverifiedUrl,
        ALLOWED_DOCUMENT_TYPES: config.allowedDocumentTypes.join(','),
        IDENTITY_DOCUMENT_TYPES: config.identityDocumentTypes.join(','),
        TOKEN_EXPIRY_SECONDS: String(config.tokenExpirySeconds),
        DOCUMENT_SESSION_MODE: config.documentSessionMode,
        DOCUMENT_SESSION_FACE_CHECK: String(config.documentSessionFaceCheck),
        ...(config.publicBaseUrl ? { PUBLIC_BASE_URL: config.publicBaseUrl } : {}),
        ...(config.additionalSteps ? { ADDITIONAL_STEPS: config.additionalSteps } : {}),
      },
    });
    const webhook = new MultidocFunction(this, 'Webhook', {
      handler: 'webhook',
      powertoolsTracer: config.tracer === 'powertools',
      description: "Verifies and records iDenfy's webhooks, queues the comparison",
      // iDenfy gives up on an answer after 10 s.
      timeout: Duration.seconds(9),
      environment: {
        ...common,
        SECRET_ID: this.secret.secretArn,
        DOCUMENT_HASH_SECRET_ID: this.documentHashKey.secretArn,
        QUEUE_URL: this.workQueue.queueUrl,
        WEBHOOK_MAX_BYTES: String(config.webhookMaxBytes),
        ...(config.webhookAllowedIps ? { WEBHOOK_ALLOWED_IPS: config.webhookAllowedIps } : {}),
      },
    });
    const comparator = new MultidocFunction(this, 'Comparator', {
      handler: 'comparator',
      powertoolsTracer: config.tracer === 'powertools',
      description: 'Compares both sessions of a verification, decides and publishes the status',
      timeout: COMPARATOR_TIMEOUT,
      environment: { ...common, ...events, ...policy },
    });
    const sweeper = new MultidocFunction(this, 'Sweeper', {
      handler: 'sweeper',
      powertoolsTracer: config.tracer === 'powertools',
      description:
        'Scheduled: expires abandoned verifications, retries unpublished events and erasures, announces expiring permits',
      timeout: Duration.minutes(5),
      environment: {
        ...common,
        ...events,
        ...policy,
        SECRET_ID: this.secret.secretArn,
        IDENFY_BASE_URL: config.idenfyBaseUrl,
        IDENFY_TIMEOUT_MS: String(config.idenfyTimeoutMs),
      },
    });
    this.functions = { token, webhook, comparator, sweeper };

    // Least privilege: each function gets only the table actions it performs.
    const tableActions = (actions: string[], index?: string) =>
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [index ? `${this.table.tableArn}/index/${index}` : this.table.tableArn],
      });
    token.fn.addToRolePolicy(
      tableActions(['GetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem', 'Query']),
    );
    // Deletes only two kinds of item: document bindings (erasure) and a start's claim on a client's
    // slot (given up when iDenfy fails). Never a verification, a result or an audit line.
    token.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:DeleteItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DOC#*', 'CLIENT#*'] } },
      }),
    );
    // Decisions (comparator, sweep) bind documents (PutItem of DOC# items).
    token.fn.addToRolePolicy(tableActions(['Query'], 'byClient'));
    webhook.fn.addToRolePolicy(tableActions(['GetItem', 'UpdateItem']));
    comparator.fn.addToRolePolicy(tableActions(['GetItem', 'PutItem', 'UpdateItem', 'Query']));
    sweeper.fn.addToRolePolicy(tableActions(['GetItem', 'PutItem', 'UpdateItem', 'Query']));
    sweeper.fn.addToRolePolicy(tableActions(['Query'], 'bySweep'));
    this.secret.grantRead(token.fn);
    this.secret.grantRead(webhook.fn);
    this.documentHashKey.grantRead(webhook.fn);
    this.secret.grantRead(sweeper.fn);
    this.workQueue.grantSendMessages(webhook.fn);
    // Decisions (comparator, sweep) and reviews (token) publish through the outbox.
    this.bus.grantPutEventsTo(comparator.fn);
    this.bus.grantPutEventsTo(token.fn);
    this.bus.grantPutEventsTo(sweeper.fn);

    // No polling loops: one scheduled run every few minutes reads only what is due (the bySweep index).
    new Rule(this, 'SweepSchedule', {
      description: 'Runs the sweeper: abandonment, outbox and erasure retries, expiring permits',
      schedule: Schedule.rate(Duration.minutes(config.sweepIntervalMinutes)),
      targets: [new LambdaFunction(sweeper.fn, { retryAttempts: 2 })],
    });

    this.observability = new Observability(this, 'Observability', {
      functions: { token: token.fn, webhook: webhook.fn, comparator: comparator.fn, sweeper: sweeper.fn },
      workQueue: this.workQueue,
      deadLetterQueue: this.deadLetterQueue,
      serviceName: SERVICE_NAME,
    });

    comparator.fn.addEventSource(
      new SqsEventSource(this.workQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    this.api = new HttpApi(this, 'Api', {
      description: 'idenfy-multidoc: verifications, continue links and iDenfy webhooks',
      createDefaultStage: false,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    const tokenIntegration = new HttpLambdaIntegration('TokenIntegration', token.fn);
    const webhookIntegration = new HttpLambdaIntegration('WebhookIntegration', webhook.fn);
    const add = (
      routes: readonly { method: HttpMethod; path: string }[],
      integration: HttpLambdaIntegration,
      authorizer: IHttpRouteAuthorizer,
      unauthenticatedBecause?: string,
    ) => {
      for (const r of routes) {
        const [route] = this.api.addRoutes({ path: r.path, methods: [r.method], integration, authorizer });
        if (route && unauthenticatedBecause) {
          Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: unauthenticatedBecause });
        }
      }
    };
    const clientAuthorizer =
      config.clientAuth === 'jwt'
        ? new HttpJwtAuthorizer('ClientJwt', config.jwtIssuer ?? '', {
            jwtAudience: (config.jwtAudience ?? '').split(',').map((a) => a.trim()),
          })
        : new HttpIamAuthorizer();
    add(ROUTES.client, tokenIntegration, clientAuthorizer);
    // Proven by their own credentials instead of IAM: the signed continue token and iDenfy's HMAC.
    add(
      ROUTES.browser,
      tokenIntegration,
      new HttpNoneAuthorizer(),
      "The user's browser proves itself with the HMAC-signed, expiring continue token bound to one verification.",
    );
    add(
      ROUTES.public,
      tokenIntegration,
      new HttpNoneAuthorizer(),
      'Readiness probe: answers a constant, reveals nothing.',
    );
    add(
      ROUTES.idenfy,
      webhookIntegration,
      new HttpNoneAuthorizer(),
      'iDenfy cannot sign requests with SigV4; every webhook is authenticated by its HMAC-SHA256 Idenfy-Signature over the raw body.',
    );

    const apiUrl = this.api.apiEndpoint;
    new CfnOutput(this, 'ApiUrl', { value: apiUrl, description: 'Base URL of the API' });
    new CfnOutput(this, 'WebhookUrl', {
      value: `${apiUrl}/webhooks/idenfy`,
      description: 'Set as the webhook URL at iDenfy (also sent per session as callbackUrl)',
    });
    new CfnOutput(this, 'EventBusName', {
      value: this.bus.eventBusName,
      description: 'Subscribe to status events here',
    });
    new CfnOutput(this, 'SecretName', {
      value: this.secret.secretName,
      description: 'Put apiKey, apiSecret and webhookSigningKey here',
    });
  }
}
