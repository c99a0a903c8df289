/** The FIFO work queue: one message group per verification, one deduplication id per recorded result. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../app/ports/services';

export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(verificationId: string, deduplicationId: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({ verificationId }),
        MessageGroupId: verificationId,
        // Not the verification id alone: the second session's message would be dropped (docs/architecture.md §8).
        MessageDeduplicationId: deduplicationId,
      }),
    );
  }
}
