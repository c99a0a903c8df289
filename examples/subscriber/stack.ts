/**
 * An example subscriber (docs/subscribers.md): a stack of your own that reacts to verified people.
 * One EventBridge rule on idenfy-multidoc's bus, a Lambda target, and a dead-letter queue of its own
 * so an event your function cannot take is kept (and alarmed), not lost.
 *
 *   npx cdk deploy --app 'npx tsx examples/subscriber/app.ts' -c eventBusName=<EventBusName output>
 */
import * as path from 'node:path';
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface SubscriberStackProps extends StackProps {
  /** The `EventBusName` output of the idenfy-multidoc stack (same account and Region). */
  eventBusName: string;
  /** The `source` the stack publishes with (its `eventSource` configuration). */
  eventSource?: string;
}

export class SubscriberStack extends Stack {
  constructor(scope: Construct, id: string, props: SubscriberStackProps) {
    super(scope, id, props);
    const bus = EventBus.fromEventBusName(this, 'MultidocBus', props.eventBusName);

    const onVerified = new NodejsFunction(this, 'OnVerified', {
      entry: path.join(__dirname, 'handler.ts'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(10),
      bundling: { forceDockerBundling: false },
    });
    const deadLetters = new Queue(this, 'OnVerifiedDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // Verified at the first decision, or by a person's review: both are "this person may proceed".
    new Rule(this, 'WhenVerified', {
      eventBus: bus,
      eventPattern: {
        source: [props.eventSource ?? 'idenfy.multidoc'],
        detailType: ['Verification Finalized', 'Verification Reviewed'],
        detail: { status: ['VERIFIED'] },
      },
      targets: [
        new LambdaFunction(onVerified, {
          deadLetterQueue: deadLetters,
          retryAttempts: 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });

    new Alarm(this, 'OnVerifiedDeadLettersAlarm', {
      alarmDescription:
        'A verified event could not be delivered to OnVerified: read the message, fix, redrive.',
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
  }
}
