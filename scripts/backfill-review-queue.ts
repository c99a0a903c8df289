/**
 * Once, after upgrading a deployment to the release that added the review queue: puts the
 * verifications that were already waiting for a person (REQUIRES_REVIEW, not erased, decided before
 * the queue existed) into it. Safe to repeat; each write is conditional on the verification still
 * waiting and not queued yet, so a review or an erasure running meanwhile wins.
 *
 *   npm run backfill:review-queue -- <table-name>
 *
 * Reads the whole table once (a Scan: run it at a quiet hour on a large table).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ignoreConditionFailed, reviewQueueParts, vKey } from '../functions/adapters/dynamo/table';

export async function backfillReviewQueue(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ queued: number }> {
  let queued = 0;
  let after: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression:
          'sk = :verification AND #status = :waiting AND attribute_not_exists(reviewPk) AND attribute_not_exists(erasure)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':verification': 'VERIFICATION', ':waiting': 'REQUIRES_REVIEW' },
        ProjectionExpression: 'verificationId, decidedAt',
        ExclusiveStartKey: after,
      }),
    );
    for (const item of page.Items ?? []) {
      const id = String(item.verificationId);
      const queue = reviewQueueParts(id, { status: 'REQUIRES_REVIEW', decidedAt: String(item.decidedAt) });
      const wrote = await doc
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: vKey(id),
            UpdateExpression: `SET ${queue.set.join(', ')}`,
            ConditionExpression:
              '#status = :waiting AND attribute_not_exists(reviewPk) AND attribute_not_exists(erasure)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ...queue.values, ':waiting': 'REQUIRES_REVIEW' },
          }),
        )
        .then(
          () => true,
          (err: unknown) => {
            ignoreConditionFailed(err);
            return false;
          },
        );
      if (wrote) queued += 1;
    }
    after = page.LastEvaluatedKey;
  } while (after);
  return { queued };
}

if (require.main === module) {
  const [table] = process.argv.slice(2);
  if (!table) {
    console.error('usage: npm run backfill:review-queue -- <table-name>');
    process.exit(2);
  }
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  backfillReviewQueue(doc, table).then(
    ({ queued }) => console.log(`queued ${queued} verification(s) that were waiting for a person`),
    (err: unknown) => {
      console.error('backfill failed:', err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
