import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dueParts, ignoreConditionFailed, type Table, updateExpression, vKey, writeIf } from './table';

export function claimOutbox(
  t: Table,
  verificationId: string,
  version: number,
  runId: string,
  now: Date,
  leaseMs: number,
) {
  return writeIf(
    t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: vKey(verificationId),
        UpdateExpression: 'SET outboxClaim = :claim',
        ConditionExpression:
          '(attribute_not_exists(publishedVersion) OR publishedVersion < :v) AND ' +
          '(attribute_not_exists(outboxClaim) OR outboxClaim.#until < :now OR outboxClaim.runId = :runId)',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: {
          ':claim': { runId, until: now.getTime() + leaseMs },
          ':v': version,
          ':now': now.getTime(),
          ':runId': runId,
        },
      }),
    ),
  );
}

export async function releaseOutbox(t: Table, verificationId: string, runId: string): Promise<void> {
  await t.doc
    .send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: vKey(verificationId),
        UpdateExpression: 'REMOVE outboxClaim',
        ConditionExpression: 'outboxClaim.runId = :runId',
        ExpressionAttributeValues: { ':runId': runId },
      }),
    )
    .catch(ignoreConditionFailed);
}

export async function markPublished(
  t: Table,
  verificationId: string,
  version: number,
  nextDue: string | null,
): Promise<void> {
  const due = dueParts(verificationId, nextDue);
  await t.doc
    .send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: vKey(verificationId),
        // The claim goes with the publish: the next outbox event need not wait out its lease.
        UpdateExpression: updateExpression(
          ['publishedVersion = :v', ...due.set],
          ['outboxClaim', ...due.remove],
        ),
        // A newer outbox event written meanwhile keeps its own retry schedule: leave it alone.
        ConditionExpression:
          '(attribute_not_exists(publishedVersion) OR publishedVersion < :v) AND outbox.version = :v',
        ExpressionAttributeValues: { ':v': version, ...due.values },
      }),
    )
    // Already marked by a concurrent run, or superseded: nothing to do.
    .catch(ignoreConditionFailed);
}
