/**
 * The table's layout, its keys and the conversions every module of the repository shares.
 *   V#<id> / VERIFICATION        the verification (status, sessions, report, outbox)
 *   V#<id> / RESULT#<scanRef>    one session's slot (its role, written with the session) and the
 *                                latest accepted iDenfy result for it
 *   SESSION#<scanRef> / SESSION  scanRef → verification lookup for webhooks
 *   V#<id> / AUDIT#<at>#<n>      append-only audit trail (reviews, erasure)
 *   CLIENT#<clientId> / PENDING  the client's start slot: its blocking verification, or a start's
 *                                claim (a lease) while iDenfy mints the token (one start at a time)
 *   DOC#<digest> / V#<id>        a document (keyed hash of type, country, number) bound to a
 *                                verification and its client; the verification item lists the
 *                                digests it bound (`boundDocuments`) so erasure deletes them by key
 * Indexes: `byClient` (gsi1pk = CLIENT#id, gsi1sk = createdAt#id) lists a client's verifications;
 * `bySweep` (sweepPk = DUE#<shard>, sweepAt) is sparse and holds only verifications the sweep has
 * work for (`DUE` without a shard: written before sharding, still read); `byReview` (reviewPk =
 * REVIEW#<shard>, reviewAt = decidedAt#id) is sparse and holds only the verifications waiting for a
 * person. Both spread their writes over a few partition keys, fixed per verification by a hash of its
 * id (one partition takes about 1,000 writes/s: docs/scale.md); a reader queries every key and merges
 * them in order (lists.ts).
 * Every item carries `ttl` so personal data expires after the retention period.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AuditEntry, Verification } from '../../app/model';
import { VersionConflict } from '../../app/store-errors';
import type { SessionResult, SessionRole } from '../../domain/types';
import { backoffMs, sleep } from '../../shared/backoff';

export const VERIFICATION = 'VERIFICATION';
export const vKey = (id: string) => ({ pk: `V#${id}`, sk: VERIFICATION });
export const resultKey = (verificationId: string, scanRef: string) => ({
  pk: `V#${verificationId}`,
  sk: `RESULT#${scanRef}`,
});
export const sessionKey = (scanRef: string) => ({ pk: `SESSION#${scanRef}`, sk: 'SESSION' });
export const pendingKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'PENDING' });

export const ttlAfter = (from: string, days: number) => Math.floor(Date.parse(from) / 1000) + days * 86_400;

export const SWEEP_INDEX = 'bySweep';
export const CLIENT_INDEX = 'byClient';
export const SWEEP_SHARDS = 4;
export const REVIEW_INDEX = 'byReview';
export const REVIEW_SHARDS = 4;

/** A verification's shard (0..shards-1): fixed by its id, so every write of it lands on one key. */
const shardOf = (verificationId: string, shards: number) =>
  createHash('sha256').update(verificationId).digest().readUInt8(0) % shards;

export const sweepShard = (verificationId: string) => `DUE#${shardOf(verificationId, SWEEP_SHARDS)}`;
export const reviewShard = (verificationId: string) => `REVIEW#${shardOf(verificationId, REVIEW_SHARDS)}`;

/** Attributes that are storage plumbing, not part of the verification. */
export const STORAGE_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'ttl',
  'outboxClaim',
  'sweepPk',
  'reviewPk',
  'reviewAt',
  'boundDocuments',
  'bindingVersion',
  'documentClaim',
] as const;
export const documentKey = (digest: string, verificationId: string) => ({
  pk: `DOC#${digest}`,
  sk: `V#${verificationId}`,
});

/** A session's result slot: webhooks for it can be recorded with one conditional write. */
export function slotPut(t: Table, verificationId: string, scanRef: string, role: SessionRole, ttl: number) {
  return {
    Put: {
      TableName: t.tableName,
      Item: { ...resultKey(verificationId, scanRef), role, scanRef, ttl },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Update-expression parts that put a verification in (or take it out of) the sparse sweep index. */
export function dueParts(
  verificationId: string,
  at: string | null,
): {
  set: string[];
  remove: string[];
  values: Record<string, unknown>;
} {
  return at === null
    ? { set: [], remove: ['sweepPk', 'sweepAt'], values: {} }
    : {
        set: ['sweepPk = :duePk', 'sweepAt = :dueAt'],
        remove: [],
        values: { ':duePk': sweepShard(verificationId), ':dueAt': at },
      };
}

/**
 * Update-expression parts that put a verification in the sparse review queue while its status is
 * REQUIRES_REVIEW (and not erased), and take it out otherwise.
 */
export function reviewQueueParts(
  verificationId: string,
  waiting: { status: string; decidedAt: string } | null,
): { set: string[]; remove: string[]; values: Record<string, unknown> } {
  return waiting?.status === 'REQUIRES_REVIEW'
    ? {
        set: ['reviewPk = :reviewPk', 'reviewAt = :reviewAt'],
        remove: [],
        values: {
          ':reviewPk': reviewShard(verificationId),
          ':reviewAt': `${waiting.decidedAt}#${verificationId}`,
        },
      }
    : { set: [], remove: ['reviewPk', 'reviewAt'], values: {} };
}

export function updateExpression(set: string[], remove: string[] = []): string {
  return [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
}

/** A byClient position: exactly the table and index keys of one of this client's verifications. */
export function isClientCursor(key: Record<string, unknown>, clientId: string): boolean {
  const keys = Object.keys(key).sort().join(',');
  return (
    keys === 'gsi1pk,gsi1sk,pk,sk' &&
    Object.values(key).every((v) => typeof v === 'string' && v.length <= 400) &&
    key.gsi1pk === `CLIENT#${clientId}` &&
    key.sk === VERIFICATION &&
    String(key.pk).startsWith('V#')
  );
}

/** A slot holds a result once a webhook (or the sweep's reconciliation) was recorded into it. */
export function isRecordedResult(item: Record<string, unknown>): boolean {
  return item.overall !== undefined;
}

export function toResult(item: Record<string, unknown>): SessionResult {
  return {
    role: item.role as SessionRole,
    scanRef: item.scanRef as string,
    overall: (item.overall as string) ?? 'UNKNOWN',
    final: item.final === true,
    eventType: (item.eventType as string | null) ?? null,
    document: (item.document as SessionResult['document']) ?? {},
    fraudTags: (item.fraudTags as string[]) ?? [],
    mismatchTags: (item.mismatchTags as string[]) ?? [],
    additionalStep: (item.additionalStep as SessionResult['additionalStep']) ?? null,
    face: (item.face as string | null | undefined) ?? null,
    proofOfAddress: (item.proofOfAddress as SessionResult['proofOfAddress']) ?? null,
    resultVersion: Number(item.resultVersion ?? 0),
  };
}

export function toAudit(item: Record<string, unknown>): AuditEntry {
  const { pk: _pk, sk: _sk, ttl: _ttl, noteRedactedAt: _r, ...entry } = item;
  return entry as unknown as AuditEntry;
}

/**
 * How DynamoDB refuses a transaction (its CancellationReasons, one per item, in order), read in this
 * one place: a condition that failed is a lost race (the caller decides what it means); a conflict
 * with another transaction, throttling or an internal error is worth trying again.
 */
const TRANSIENT_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'InternalServerError',
]);
/** Errors of a whole request that are worth trying again once the SDK's own retries are spent. */
const TRANSIENT_ERRORS = new Set([
  'TransactionInProgressException',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
]);

/** A transaction item's condition failed: each item's reason code, and the item as found when asked for. */
export class ConditionFailed extends Error {
  constructor(readonly reasons: { code: string; item?: Record<string, unknown> }[]) {
    super(`transaction condition failed: ${reasons.map((r) => r.code).join(', ')}`);
    this.name = 'ConditionFailed';
  }

  /** Whether item `index` (in the order written) is the one whose condition failed. */
  failed(index: number): boolean {
    return this.reasons[index]?.code === 'ConditionalCheckFailed';
  }
}

export type TransactionRefusal = 'condition-failed' | 'transient' | 'other';

export function classifyCancellation(err: TransactionCanceledException): TransactionRefusal {
  const codes = (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((c) => c !== 'None');
  // No reasons at all: nothing says it is worth another try (the behaviour before reasons were read).
  if (codes.length === 0 || codes.includes('ConditionalCheckFailed')) return 'condition-failed';
  return codes.every((c) => TRANSIENT_REASONS.has(c)) ? 'transient' : 'other';
}

/** Attempts of a transaction in all (the SDK already retried each of them on throttling and 5xx). */
export const TRANSACT_ATTEMPTS = 6;

/**
 * Writes a transaction: one ClientRequestToken for every attempt (a retry of one that committed, whose
 * answer was lost, is answered by DynamoDB as the first was), transient refusals tried again with
 * backoff and jitter, a failed condition thrown as ConditionFailed with the items as found.
 */
export async function transact(
  t: Table,
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
  opts: { attempts?: number; baseMs?: number } = {},
): Promise<void> {
  const token = randomUUID();
  const attempts = opts.attempts ?? TRANSACT_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      await t.doc.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: token }));
      return;
    } catch (err) {
      let retry = false;
      if (err instanceof TransactionCanceledException) {
        const refusal = classifyCancellation(err);
        if (refusal === 'condition-failed') {
          throw new ConditionFailed(
            (err.CancellationReasons ?? []).map((r) => ({
              code: r.Code ?? 'None',
              item: r.Item ? unmarshall(r.Item as Record<string, AttributeValue>) : undefined,
            })),
          );
        }
        retry = refusal === 'transient';
      } else {
        retry = TRANSIENT_ERRORS.has((err as Error).name);
      }
      if (!retry || attempt >= attempts) throw err;
      await sleep(backoffMs(attempt, opts.baseMs ?? 25, 1_000));
    }
  }
}

/** A conditional write that found its work already done is not an error. */
export function ignoreConditionFailed(err: unknown): void {
  if (!(err instanceof ConditionalCheckFailedException)) throw err;
}

export function toVerification(item: Record<string, unknown>): Verification {
  const copy: Record<string, unknown> = { ...item };
  for (const k of STORAGE_ATTRIBUTES) delete copy[k];
  if (copy.reconciled instanceof Set) copy.reconciled = [...copy.reconciled];
  return copy as unknown as Verification;
}

/** The document client and the table every module writes to. */
export interface Table {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

/** Every item under one partition key, page after page, read consistently (optionally only some attributes). */
export async function readAll(t: Table, pk: string, projection?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const out = await t.doc.send(
      new QueryCommand({
        TableName: t.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ProjectionExpression: projection,
        ConsistentRead: true,
        ExclusiveStartKey: after,
      }),
    );
    items.push(...(out.Items ?? []));
    after = out.LastEvaluatedKey;
  } while (after);
  return items;
}

/** Every item of a verification's partition (the verification, its session slots, its audit lines). */
export const readPartition = (t: Table, verificationId: string) => readAll(t, `V#${verificationId}`);

/**
 * A claim: true when the conditional write took, false when its condition did not hold. `mine` reads
 * the item as found (ReturnValuesOnConditionCheckFailure: ALL_OLD): a write whose answer was lost, then
 * retried by the SDK, fails its own condition on its own claim, and that is a success, not a rival.
 */
export async function writeIf(
  write: Promise<unknown>,
  mine?: (found: Record<string, unknown>) => boolean,
): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const found = err.Item ? unmarshall(err.Item as Record<string, AttributeValue>) : undefined;
    return found !== undefined && mine?.(found) === true;
  }
}

/** A version-checked update of the verification: the verification as written, or VersionConflict. */
export async function updateVerification(
  t: Table,
  input: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues'>,
): Promise<Verification> {
  try {
    const out = await t.doc.send(
      new UpdateCommand({ ...input, TableName: t.tableName, ReturnValues: 'ALL_NEW' }),
    );
    return toVerification(out.Attributes ?? {});
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new VersionConflict();
    throw err;
  }
}
