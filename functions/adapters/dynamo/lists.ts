/**
 * Lists and the sweep: a client's verifications, the review queue, what the sweep has due, and its
 * bookkeeping.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../../app/model';
import {
  CLIENT_INDEX,
  DUE,
  dueParts,
  ignoreConditionFailed,
  isClientCursor,
  REVIEW_INDEX,
  REVIEW_SHARDS,
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

/**
 * The review queue, oldest decision first, across every shard of the sparse `byReview` index: each
 * shard is read from where the last page left it (at most `limit` items each, in parallel), the
 * items are merged by `reviewAt` and the first `limit` answered. The position remembers, per shard,
 * the key of the last item answered from it (null: not read yet; 'done': no more).
 */
export async function listForReview(t: Table, limit: number, after?: Record<string, unknown>) {
  const from = after === undefined ? Array<ShardPosition>(REVIEW_SHARDS).fill(null) : reviewPosition(after);
  const pages = await Promise.all(
    from.map(async (position, shard) => {
      if (position === 'done') return { shard, items: [], more: false };
      const out = await t.doc.send(
        new QueryCommand({
          TableName: t.tableName,
          IndexName: REVIEW_INDEX,
          KeyConditionExpression: 'reviewPk = :shard',
          ExpressionAttributeValues: { ':shard': `REVIEW#${shard}` },
          ScanIndexForward: true,
          Limit: limit,
          ExclusiveStartKey: position ?? undefined,
        }),
      );
      return { shard, items: out.Items ?? [], more: out.LastEvaluatedKey !== undefined };
    }),
  );
  const merged = pages
    .flatMap((p) => p.items.map((item) => ({ shard: p.shard, item })))
    .sort((a, b) => String(a.item.reviewAt).localeCompare(String(b.item.reviewAt)))
    .slice(0, limit);
  const next: ShardPosition[] = pages.map((p) => {
    const taken = merged.filter((m) => m.shard === p.shard);
    const last = taken.at(-1)?.item;
    if (!last) return p.items.length === 0 && !p.more ? 'done' : (from[p.shard] ?? null);
    // Everything this shard returned was answered and it said there is no more.
    if (taken.length === p.items.length && !p.more) return 'done';
    return { pk: last.pk, sk: last.sk, reviewPk: last.reviewPk, reviewAt: last.reviewAt };
  });
  const finished = next.every((p) => p === 'done');
  return { items: merged.map((m) => toVerification(m.item)), next: finished ? undefined : { review: next } };
}

type ShardPosition = Record<string, unknown> | null | 'done';

/** A review-queue position as listForReview wrote it, or InvalidCursor. */
function reviewPosition(after: Record<string, unknown>): ShardPosition[] {
  const shards = after.review;
  const valid =
    Object.keys(after).length === 1 &&
    Array.isArray(shards) &&
    shards.length === REVIEW_SHARDS &&
    shards.every(
      (p, i) =>
        p === null ||
        p === 'done' ||
        (typeof p === 'object' &&
          Object.keys(p).sort().join(',') === 'pk,reviewAt,reviewPk,sk' &&
          Object.values(p).every((v) => typeof v === 'string' && v.length <= 400) &&
          p.reviewPk === `REVIEW#${i}` &&
          p.sk === 'VERIFICATION' &&
          String(p.pk).startsWith('V#')),
    );
  if (!valid) throw new InvalidCursor();
  return shards as ShardPosition[];
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
