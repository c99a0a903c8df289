/**
 * Polls a queue and invokes a handler with SQS batch events, as Lambda's event source mapping does:
 * deletes what succeeded, leaves each id in `batchItemFailures` (or the whole batch on a throw) to
 * reappear after the visibility timeout, and lets the queue's redrive policy move poison to the DLQ.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface QueueRunnerOptions {
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
  handler: SqsHandler;
  onError?: (err: unknown) => void;
  /** Long-poll wait per receive, seconds. */
  waitSeconds?: number;
  /** Concurrent pollers, as Lambda scales an SQS event source (FIFO keeps each group in order). */
  pollers?: number;
}

export class QueueRunner {
  private running = false;
  private loops: Promise<void>[] = [];
  /** Invocations so far, and how many records failed: for tests and the console. */
  readonly stats = { invocations: 0, records: 0, failures: 0 };
  /** Batches received and not yet finished (invoked and deleted or failed back). */
  private active = 0;

  constructor(
    private readonly sqs: SQSClient,
    private readonly opts: QueueRunnerOptions,
  ) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.opts.pollers ?? 4 }, () => this.run());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (err) {
        this.opts.onError?.(err);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** One receive → invoke → delete cycle; returns how many messages it handled. */
  async pollOnce(): Promise<number> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.opts.queueUrl,
        MaxNumberOfMessages: this.opts.batchSize,
        WaitTimeSeconds: this.opts.waitSeconds ?? 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return 0;
    this.active += 1;
    try {
      await this.handle(messages);
    } finally {
      this.active -= 1;
    }
    return messages.length;
  }

  /**
   * Nothing left to do: no batch in hand, and the queue holds no message, visible or in flight. A test
   * waits for this (twice in a row) to prove that nothing more will happen, instead of sleeping.
   */
  async drained(): Promise<boolean> {
    if (this.active > 0) return false;
    return await queueEmpty(this.sqs, this.opts.queueUrl);
  }

  private async handle(messages: Message[]): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => toRecord(m, this.opts.queueArn)) };
    this.stats.invocations += 1;
    this.stats.records += messages.length;
    let failed: Set<string>;
    try {
      const response = await this.opts.handler(event);
      failed = new Set(
        this.opts.reportBatchItemFailures
          ? (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier)
          : [],
      );
    } catch (err) {
      // A thrown invocation fails the whole batch.
      this.opts.onError?.(err);
      failed = new Set(messages.map((m) => m.MessageId ?? ''));
    }
    this.stats.failures += failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (done.length > 0) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.opts.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
    }
  }
}

export function toRecord(m: Message, queueArn: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId ?? '',
    receiptHandle: m.ReceiptHandle ?? '',
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      MessageGroupId: a.MessageGroupId,
      MessageDeduplicationId: a.MessageDeduplicationId,
      SequenceNumber: a.SequenceNumber,
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? 'us-east-1',
  };
}

/** No message in the queue, visible or in flight (delayed ones count too). */
export async function queueEmpty(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return Object.values(out.Attributes ?? {}).every((v) => Number(v) === 0);
}

/**
 * One batch by hand, for tests and the bench that stop the runners: receives what is visible (up to
 * ten), invokes the handler with it as Lambda would, and deletes the batch. No retry, no DLQ.
 */
export async function consumeOnce(
  sqs: SQSClient,
  queue: { url: string; arn: string },
  handler: SqsHandler,
): Promise<{ received: number; answer: SQSBatchResponse | undefined }> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  const messages = out.Messages ?? [];
  if (messages.length === 0) return { received: 0, answer: undefined };
  const answer = await handler({ Records: messages.map((m) => toRecord(m, queue.arn)) });
  await sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
    }),
  );
  return { received: messages.length, answer };
}
