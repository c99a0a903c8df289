/** A local subscriber: a rule on the bus delivering to a queue, each event handed to a callback. */
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { AwsClients } from './provision';
import { queueEmpty } from './queue-runner';

export interface EventEnvelope {
  id: string;
  'detail-type': string;
  source: string;
  time: string;
  detail: Record<string, unknown> & { eventId?: string; verificationId?: string; status?: string };
  [key: string]: unknown;
}

export class EventSubscriber {
  private running = false;
  private loop?: Promise<void>;
  readonly events: EventEnvelope[] = [];
  private active = 0;

  private constructor(
    private readonly aws: AwsClients,
    private readonly queueUrl: string,
    private readonly onEvent: (e: EventEnvelope) => void,
  ) {}

  static async create(
    aws: AwsClients,
    opts: { name: string; busName: string; source: string; onEvent?: (e: EventEnvelope) => void },
  ): Promise<EventSubscriber> {
    const { QueueUrl } = await aws.sqs.send(new CreateQueueCommand({ QueueName: opts.name }));
    const attrs = await aws.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await aws.events.send(
      new PutRuleCommand({
        Name: opts.name,
        EventBusName: opts.busName,
        EventPattern: JSON.stringify({ source: [opts.source] }),
      }),
    );
    await aws.events.send(
      new PutTargetsCommand({
        Rule: opts.name,
        EventBusName: opts.busName,
        Targets: [{ Id: 'local-subscriber', Arn: attrs.Attributes?.QueueArn }],
      }),
    );
    return new EventSubscriber(aws, QueueUrl ?? '', opts.onEvent ?? (() => {}));
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.pollOnce();
        } catch {
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async pollOnce(): Promise<void> {
    const out = await this.aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return;
    this.active += 1;
    try {
      this.take(messages);
      await this.aws.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    } finally {
      this.active -= 1;
    }
  }

  /** Every event delivered to the subscriber's queue has been taken. */
  async drained(): Promise<boolean> {
    return this.active === 0 && (await queueEmpty(this.aws.sqs, this.queueUrl));
  }

  private take(messages: Message[]): void {
    for (const m of messages) {
      const envelope = JSON.parse(m.Body ?? '{}') as EventEnvelope;
      this.events.push(envelope);
      this.onEvent(envelope);
    }
  }
}
