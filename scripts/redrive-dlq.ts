/**
 * Moves messages from the dead-letter queue back to the work queue, keeping each message group
 * (the verification) and giving each a fresh deduplication id. Works on AWS and on the local emulator.
 *
 *   npm run redrive -- <dead-letter-queue-url> <work-queue-url> [max-messages]
 *
 * On AWS, `aws sqs start-message-move-task --source-arn <dlq-arn>` does the same; this script also
 * runs locally and prints what it moved. Fix the cause first, or the messages come back.
 */
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

export async function redrive(
  sqs: SQSClient,
  deadLetterQueueUrl: string,
  workQueueUrl: string,
  max = 1000,
): Promise<{ moved: number; groups: string[] }> {
  const groups = new Set<string>();
  let moved = 0;
  while (moved < max) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(10, max - moved),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['MessageGroupId'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) {
      const group = m.Attributes?.MessageGroupId ?? 'redriven';
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: workQueueUrl,
          MessageBody: m.Body ?? '',
          MessageGroupId: group,
          MessageDeduplicationId: `redrive-${m.MessageId}-${Date.now()}`,
        }),
      );
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: deadLetterQueueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
      groups.add(group);
      moved += 1;
    }
  }
  return { moved, groups: [...groups] };
}

if (require.main === module) {
  const [dlq, work, max] = process.argv.slice(2);
  if (!dlq || !work) {
    console.error('usage: npm run redrive -- <dead-letter-queue-url> <work-queue-url> [max-messages]');
    process.exit(2);
  }
  redrive(new SQSClient({}), dlq, work, max ? Number(max) : undefined).then(
    ({ moved, groups }) => console.log(`moved ${moved} message(s) for ${groups.length} verification(s)`),
    (err: unknown) => {
      console.error('redrive failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
