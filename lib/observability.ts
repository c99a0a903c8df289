/**
 * What operators look at: one CloudWatch dashboard, and alarms that each say what to do. Custom metrics
 * come from Powertools Metrics (functions/shared/metrics.ts), dimensioned by `service` and the values
 * named there.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '../functions/shared/metric-names';

export interface ObservabilityProps {
  functions: Record<string, IFunction>;
  workQueue: Queue;
  deadLetterQueue: Queue;
  sweepDeadLetterQueue: Queue;
  /** Where every alarm, and its return to OK, is sent (docs/observability.md). */
  alarmTopic: ITopic;
  serviceName: string;
}

const FIVE_MINUTES = Duration.minutes(5);
const STATUSES = ['VERIFIED', 'REQUIRES_REVIEW', 'REJECTED', 'EXPIRED'];
const VERDICTS = ['MATCH', 'PARTIAL', 'MISMATCH', 'MISSING'];

export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const custom = (
      metricName: string,
      dimensions: Record<string, string> = {},
      statistic = 'Sum',
      label?: string,
    ) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: props.serviceName, ...dimensions },
        statistic,
        period: FIVE_MINUTES,
        // Alarms need a plain metric (a label turns it into metric math): label graph lines only.
        label: label ?? (Object.values(dimensions).join(' ') || undefined),
      });
    const notify = new SnsAction(props.alarmTopic);
    const alarm = (
      id: string,
      metric: IMetric,
      threshold: number,
      description: string,
      evaluationPeriods = 1,
    ) => {
      const a = new Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      // Someone is told when it fires, and when it is over.
      a.addAlarmAction(notify);
      a.addOkAction(notify);
      this.alarms.push(a);
      return a;
    };

    alarm(
      'DeadLetterAlarm',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      1,
      'Work for a verification failed repeatedly and sits in the dead-letter queue; the verification stays PENDING. Find the cause in the comparator log group (by verificationId), fix it, then redrive: npm run redrive -- <dlq-url> <work-queue-url> (docs/failure-modes.md).',
    );
    alarm(
      'SweepDeadLetterAlarm',
      props.sweepDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      1,
      'EventBridge could not invoke the sweeper (after retries): abandoned verifications, unpublished events and iDenfy deletions wait for the next run. Check the sweeper throttles and errors alarms; the next scheduled run catches up by itself, then purge this queue.',
    );
    alarm(
      'WorkQueueAgeAlarm',
      props.workQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1) }),
      900,
      'Work has waited more than 15 minutes: the comparator is failing or throttled. Check the comparator errors and throttles alarms and its log group; decisions resume by themselves once it runs.',
      3,
    );
    for (const [name, fn] of Object.entries(props.functions)) {
      const title = name[0]?.toUpperCase() + name.slice(1);
      alarm(
        `${title}ErrorsAlarm`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `The ${name} function failed (an unhandled error or a timeout). Read its log group for "request failed" / "failed" lines: they carry the verificationId and the error class, never personal data. Retries are automatic (iDenfy resends webhooks, SQS redelivers work, the sweep retries).`,
      );
      alarm(
        `${title}ThrottlesAlarm`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        1,
        `The ${name} function was throttled: the account's concurrency limit is reached. Raise the Lambda concurrency quota or reserve concurrency for it; throttled webhooks are retried by iDenfy, throttled work by SQS.`,
      );
    }
    alarm(
      'WebhookRejectionsAlarm',
      custom(METRIC.webhooksRejected),
      20,
      'Twenty or more iDenfy webhooks refused in 5 minutes. By the reason dimension of WebhooksRejected: INVALID_SIGNATURE after a key rotation means the secret and the iDenfy dashboard disagree on the signing key; VALIDATION_ERROR means iDenfy changed its payload; FORBIDDEN means webhookAllowedIps is out of date. Results are not lost while iDenfy retries (up to 10 times), so fix it quickly.',
    );
    alarm(
      'ProviderResultChangedAlarm',
      custom(METRIC.providerResultChanged),
      1,
      'iDenfy sent a final result that contradicts a decision already made (e.g. DENIED after VERIFIED; usually its manual review). The status did not move: find the verification by the Verification Provider Result Changed event (or providerResultChanged in GET /verifications/{id}), look at the session in the iDenfy dashboard and decide whether to act on the earlier decision.',
    );
    alarm(
      'EventsDeferredAlarm',
      custom(METRIC.eventsDeferred),
      5,
      'Five or more events could not be published to the bus in 5 minutes (EventBridge refused them or did not answer). Decisions are written; the sweeper publishes each unpublished event within about ten minutes, with its original eventId. Check EventBridge health and the PutEvents errors in the comparator log group ("event not published yet").',
    );
    alarm(
      'IdenfyUnavailableAlarm',
      custom(METRIC.idenfyUnavailable),
      5,
      'iDenfy answered 5xx or 429, or did not answer, 5 or more times in 5 minutes: starts answer 502/503 and clients should retry later. Check iDenfy status; nothing needs replaying on our side.',
    );

    const width = 8;
    const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
      new GraphWidget({ title, left, right, width, height: 6 });
    const perFunction = (f: (fn: IFunction) => IMetric) =>
      Object.entries(props.functions).map(([name, fn]) => {
        const m = f(fn) as Metric;
        return m.with({ label: name });
      });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new TextWidget({
            markdown:
              '# idenfy-multidoc\nVerifications, webhooks, match verdicts, iDenfy and the functions. Alarms below say what to do (docs/failure-modes.md).',
            width: 24,
            height: 2,
          }),
        ],
        [
          graph('Verifications started', [
            custom(METRIC.verificationsStarted, { method: 'TWO_SESSIONS' }),
            custom(METRIC.verificationsStarted, { method: 'ADDITIONAL_STEP' }),
          ]),
          graph(
            'Verifications finalized, by status',
            STATUSES.map((status) => custom(METRIC.verificationsFinalized, { status })),
          ),
          graph('Reviews and erasures', [
            custom(METRIC.reviews, { decision: 'APPROVE' }),
            custom(METRIC.reviews, { decision: 'REJECT' }),
            custom(METRIC.erasures),
          ]),
        ],
        [
          graph(
            'Webhooks recorded, by outcome / rejected',
            ['recorded', 'duplicate', 'superseded', 'ignored'].map((outcome) =>
              custom(METRIC.webhooksRecorded, { outcome }),
            ),
            [custom(METRIC.webhooksRejected, {}, 'Sum', 'rejected')],
          ),
          graph(
            'Match verdicts, by field',
            ['firstName', 'lastName', 'dateOfBirth'].flatMap((field) =>
              VERDICTS.filter((v) => v !== 'MATCH').map((verdict) =>
                custom(METRIC.matchVerdicts, { field, verdict }),
              ),
            ),
            ['firstName', 'lastName', 'dateOfBirth'].map((field) =>
              custom(METRIC.matchVerdicts, { field, verdict: 'MATCH' }),
            ),
          ),
          graph(
            'iDenfy latency p99 (ms) / unavailable',
            ['token', 'status', 'delete'].map((operation) =>
              custom(METRIC.idenfyLatency, { operation }, 'p99', `${operation} p99`),
            ),
            [custom(METRIC.idenfyUnavailable, {}, 'Sum', 'unavailable')],
          ),
        ],
        [
          graph(
            'Function errors / throttles',
            perFunction((fn) => fn.metricErrors({ statistic: 'Sum' })),
            perFunction((fn) => fn.metricThrottles({ statistic: 'Sum' })),
          ),
          graph(
            'Function duration p99 (ms)',
            perFunction((fn) => fn.metricDuration({ statistic: 'p99' })),
          ),
          graph(
            'Work queue',
            [
              props.workQueue.metricApproximateNumberOfMessagesVisible({ label: 'waiting' }),
              props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'dead letters' }),
            ],
            [props.workQueue.metricApproximateAgeOfOldestMessage({ label: 'oldest (s)' })],
          ),
        ],
        [new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 })],
      ],
    });
  }
}
