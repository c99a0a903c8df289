/**
 * Lists and the sweep: a client's verifications, what the sweep has due, and its bookkeeping.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../../app/model';
import {
  CLIENT_INDEX,
  DUE,
  dueParts,
  ignoreConditionFailed,
  isClientCursor,
  SWEEP_INDEX,
  type Table,
  toVerification,
  updateExpression,
  vKey,
} from './table';

export async function listByClient(
  t: Table,
  clientId: string,
  limit: number,
  after?: Record<string, unknown>,
) {
  if (after !== undefined && !isClientCursor(after, clientId)) throw new InvalidCursor();
  const out = await t.doc.send(
    new QueryCommand({
      TableName: t.tableName,
      IndexName: CLIENT_INDEX,
      KeyConditionExpression: 'gsi1pk = :client',
      ExpressionAttributeValues: { ':client': `CLIENT#${clientId}` },
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: after,
    }),
  );
  return { items: (out.Items ?? []).map(toVerification), next: out.LastEvaluatedKey };
}

export async function reschedule(
  t: Table,
  verificationId: string,
  seen: string | undefined,
  next: string | null,
): Promise<void> {
  const due = dueParts(next);
  await t.doc
    .send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: vKey(verificationId),
        UpdateExpression: updateExpression(due.set, due.remove),
        ConditionExpression:
          seen === undefined ? 'attribute_exists(pk) AND attribute_not_exists(sweepAt)' : 'sweepAt = :seen',
        ExpressionAttributeValues: {
          ...(seen === undefined ? {} : { ':seen': seen }),
          ...due.values,
        },
      }),
    )
    // Someone rescheduled it meanwhile: theirs is newer.
    .catch(ignoreConditionFailed);
}

export async function markReconciled(
  t: Table,
  verificationId: string,
  scanRef: string,
  reviewingUntil?: string,
): Promise<void> {
  await t.doc.send(
    new UpdateCommand({
      TableName: t.tableName,
      Key: vKey(verificationId),
      UpdateExpression: reviewingUntil
        ? 'ADD reconciled :scanRef SET reviewingUntil = :until'
        : 'ADD reconciled :scanRef',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':scanRef': new Set([scanRef]),
        ...(reviewingUntil ? { ':until': reviewingUntil } : {}),
      },
    }),
  );
}

export async function dueForSweep(t: Table, now: Date, limit: number, after?: Record<string, unknown>) {
  const out = await t.doc.send(
    new QueryCommand({
      TableName: t.tableName,
      IndexName: SWEEP_INDEX,
      KeyConditionExpression: 'sweepPk = :due AND sweepAt <= :now',
      ExpressionAttributeValues: { ':due': DUE, ':now': now.toISOString() },
      Limit: limit,
      ExclusiveStartKey: after,
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => String(i.pk).slice('V#'.length)),
    next: out.LastEvaluatedKey,
  };
}
