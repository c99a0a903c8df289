/**
 * Lists and the sweep: a client's verifications, the review queue, what the sweep has due, and its
 * bookkeeping.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCursor } from '../../app/store-errors';
import {
  CLIENT_INDEX,
  dueParts,
  ignoreConditionFailed,
  isClientCursor,
  REVIEW_INDEX,
  REVIEW_SHARDS,
  SWEEP_INDEX,
  SWEEP_SHARDS,
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

/** The review queue, oldest decision first, across every shard of the sparse `byReview` index. */
export async function listForReview(t: Table, limit: number, after?: Record<string, unknown>) {
  const page = await queryShards(t, REVIEW_QUEUE, limit, after);
  return { items: page.items.map(toVerification), next: page.next };
}

/** A sparse index whose entries are spread over several partition keys (shards). */
interface ShardedIndex {
  index: string;
  partitionKey: string;
  sortKey: string;
  shards: string[];
  /** An upper bound on the sort key (inclusive), or none. */
  until?: string;
}
type ShardPosition = Record<string, unknown> | null | 'done';

const REVIEW_QUEUE: ShardedIndex = {
  index: REVIEW_INDEX,
  partitionKey: 'reviewPk',
  sortKey: 'reviewAt',
  shards: Array.from({ length: REVIEW_SHARDS }, (_, i) => `REVIEW#${i}`),
};
const DUE_FOR_SWEEP: ShardedIndex = {
  index: SWEEP_INDEX,
  partitionKey: 'sweepPk',
  sortKey: 'sweepAt',
  shards: Array.from({ length: SWEEP_SHARDS }, (_, i) => `DUE#${i}`),
};

/**
 * A sharded index read as one list in sort-key order: each shard is queried from where the last page
 * left it (at most `limit` items each, in parallel), the items merged by the sort key and the first
 * `limit` answered. The position remembers, per shard, the key of the last item answered from it
 * (null: not read yet; 'done': nothing more).
 */
async function queryShards(t: Table, q: ShardedIndex, limit: number, after?: Record<string, unknown>) {
  const from = after === undefined ? q.shards.map((): ShardPosition => null) : positionOf(q, after);
  const pages = await Promise.all(
    q.shards.map(async (shard, i) => {
      const position = from[i];
      if (position === 'done') return { i, items: [], more: false };
      const out = await t.doc.send(
        new QueryCommand({
          TableName: t.tableName,
          IndexName: q.index,
          KeyConditionExpression: `#pk = :shard${q.until === undefined ? '' : ' AND #sk <= :until'}`,
          ExpressionAttributeNames: {
            '#pk': q.partitionKey,
            ...(q.until === undefined ? {} : { '#sk': q.sortKey }),
          },
          ExpressionAttributeValues: {
            ':shard': shard,
            ...(q.until === undefined ? {} : { ':until': q.until }),
          },
          ScanIndexForward: true,
          Limit: limit,
          ExclusiveStartKey: position ?? undefined,
        }),
      );
      return { i, items: out.Items ?? [], more: out.LastEvaluatedKey !== undefined };
    }),
  );
  const merged = pages
    .flatMap((p) => p.items.map((item) => ({ i: p.i, item })))
    .sort((a, b) => String(a.item[q.sortKey]).localeCompare(String(b.item[q.sortKey])))
    .slice(0, limit);
  const next = pages.map((p): ShardPosition => {
    const taken = merged.filter((m) => m.i === p.i);
    const last = taken.at(-1)?.item;
    if (!last) return p.items.length === 0 && !p.more ? 'done' : (from[p.i] ?? null);
    // Everything this shard returned was answered, and it said there is no more.
    if (taken.length === p.items.length && !p.more) return 'done';
    return { pk: last.pk, sk: last.sk, [q.partitionKey]: last[q.partitionKey], [q.sortKey]: last[q.sortKey] };
  });
  return {
    items: merged.map((m) => m.item),
    next: next.every((p) => p === 'done') ? undefined : { shards: next },
  };
}

/** A position as queryShards wrote it for this index, or InvalidCursor (a forged or foreign cursor). */
function positionOf(q: ShardedIndex, after: Record<string, unknown>): ShardPosition[] {
  const shards = after.shards;
  const keyNames = ['pk', 'sk', q.partitionKey, q.sortKey].sort().join(',');
  const valid =
    Object.keys(after).length === 1 &&
    Array.isArray(shards) &&
    shards.length === q.shards.length &&
    shards.every(
      (p, i) =>
        p === null ||
        p === 'done' ||
        (typeof p === 'object' &&
          Object.keys(p).sort().join(',') === keyNames &&
          Object.values(p).every((v) => typeof v === 'string' && v.length <= 400) &&
          p[q.partitionKey] === q.shards[i] &&
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
  const due = dueParts(verificationId, next);
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

/** Verifications whose sweep is due at `now`, oldest due first, across the sweep index's shards. */
export async function dueForSweep(t: Table, now: Date, limit: number, after?: Record<string, unknown>) {
  const page = await queryShards(t, { ...DUE_FOR_SWEEP, until: now.toISOString() }, limit, after);
  return { items: page.items.map((i) => String(i.pk).slice('V#'.length)), next: page.next };
}
