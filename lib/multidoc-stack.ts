/**
 * The whole product as one stack, read as a table of contents: the store and its queues, the four
 * functions, the HTTP API, the observability (dashboard and alarms), and the outputs a deployment needs.
 * HTTP API → token/webhook Lambdas → DynamoDB + FIFO queue → comparator Lambda → EventBridge bus.
 * docs/architecture.md §1.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Api } from './api';
import { DEFAULT_CONFIG, type MultidocConfig } from './config';
import { Functions } from './functions';
import { Keys } from './keys';
import type { MultidocFunction } from './node-function';
import { Observability } from './observability';
import { Store } from './store';

export { ROUTES } from './api';

export interface MultidocStackProps extends StackProps {
  config?: MultidocConfig;
}

/** Powertools' service name: the `service` dimension of every custom metric and log line, one per stack. */
export const serviceName = (stack: Stack): string => stack.stackName;

export class MultidocStack extends Stack {
  readonly api: HttpApi;
  readonly table: Table;
  readonly workQueue: Queue;
  readonly deadLetterQueue: Queue;
  readonly bus: EventBus;
  readonly secret: Secret;
  readonly documentHashKey: ISecret;
  readonly functions: Record<'token' | 'webhook' | 'comparator' | 'sweeper', MultidocFunction>;
  readonly observability: Observability;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: MultidocStackProps = {}) {
    super(scope, id, props);
    const config = props.config ?? DEFAULT_CONFIG;

    const keys = new Keys(this, config);
    const store = new Store(this, config, keys);
    const functions = new Functions(this, config, store, keys);
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'idenfy-multidoc alarms',
      masterKey: keys.alarms,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one: without this statement CloudWatch may not publish, and
    // alarms change state without telling anyone. Only this account's alarms may.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
    );
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    this.observability = new Observability(this, 'Observability', {
      functions: {
        token: functions.token.fn,
        webhook: functions.webhook.fn,
        comparator: functions.comparator.fn,
        sweeper: functions.sweeper.fn,
      },
      workQueue: store.workQueue,
      deadLetterQueue: store.deadLetterQueue,
      sweepDeadLetterQueue: store.sweepDeadLetterQueue,
      alarmTopic: this.alarmTopic,
      // Two stacks in one account (staging, production) never share a metric or an alarm.
      serviceName: serviceName(this),
    });
    const api = new Api(this, config, functions, keys);

    this.table = store.table;
    this.workQueue = store.workQueue;
    this.deadLetterQueue = store.deadLetterQueue;
    this.bus = store.bus;
    this.secret = store.secret;
    this.documentHashKey = store.documentHashKey;
    this.functions = {
      token: functions.token,
      webhook: functions.webhook,
      comparator: functions.comparator,
      sweeper: functions.sweeper,
    };
    this.api = api.httpApi;

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
    new CfnOutput(this, 'EventSource', {
      value: config.eventSource,
      description: 'The source of every event this stack publishes (match it in your rules)',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'Every alarm and its return to OK: subscribe your e-mail, chat or pager here',
    });
    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'The verifications table (for npm run backfill:review-queue after an upgrade)',
    });
    new CfnOutput(this, 'SecretName', {
      value: this.secret.secretName,
      description: 'Put apiKey, apiSecret and webhookSigningKey here',
    });
  }
}
