import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type DecisionWrite,
  type Lease,
  type OutboxClaim,
  type OutboxEvent,
  type ProviderResultChange,
  type Snapshot,
  type StartSlot,
  sessionsOf,
  type Verification,
} from '../../app/model';
import { StartConflict } from '../../app/store-errors';
import {
  ConditionFailed,
  dueParts,
  ignoreConditionFailed,
  isRecordedResult,
  pendingKey,
  readPartition,
  reviewQueueParts,
  sessionKey,
  slotPut,
  sweepShard,
  type Table,
  toAudit,
  toResult,
  toVerification,
  transact,
  ttlAfter,
  updateExpression,
  updateVerification,
  VERIFICATION,
  vKey,
  writeIf,
} from './table';

export async function get(t: Table, verificationId: string): Promise<Verification | undefined> {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: vKey(verificationId), ConsistentRead: true }),
  );
  return out.Item ? toVerification(out.Item) : undefined;
}

export async function snapshot(t: Table, verificationId: string): Promise<Snapshot | undefined> {
  const items = await readPartition(t, verificationId);
  const main = items.find((i) => i.sk === VERIFICATION);
  if (!main) return undefined;
  return {
    verification: toVerification(main),
    results: items.filter((i) => String(i.sk).startsWith('RESULT#') && isRecordedResult(i)).map(toResult),
    audit: items.filter((i) => String(i.sk).startsWith('AUDIT#')).map(toAudit),
    boundDocuments: [...((main.boundDocuments as Set<string> | undefined) ?? [])],
    ...(main.documentClaim
      ? { documentClaim: main.documentClaim as NonNullable<Snapshot['documentClaim']> }
      : {}),
  };
}

export async function pendingForClient(t: Table, clientId: string): Promise<StartSlot | undefined> {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: pendingKey(clientId), ConsistentRead: true }),
  );
  const item = out.Item;
  if (!item) return undefined;
  if (typeof item.claimId === 'string') {
    const minted = item.minted as Verification | undefined;
    return { claim: { id: item.claimId, until: Number(item.claimUntil), ...(minted ? { minted } : {}) } };
  }
  return { verificationId: item.verificationId as string };
}

export async function claimStart(
  t: Table,
  clientId: string,
  claim: Lease,
  seen: StartSlot | undefined,
  now: Date,
) {
  // Taken over only as read: empty, pointing at the verification read (no longer pending), or a
  // lapsed claim. Two callers that read the same slot cannot both win.
  const condition =
    seen === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)', values: {} }
      : seen.claim
        ? {
            ConditionExpression: 'claimId = :seen AND claimUntil < :now',
            values: { ':seen': seen.claim.id, ':now': now.getTime() },
          }
        : { ConditionExpression: 'verificationId = :seen', values: { ':seen': seen.verificationId } };
  return await writeIf(
    t.doc.send(
      new PutCommand({
        TableName: t.tableName,
        Item: {
          ...pendingKey(clientId),
          claimId: claim.id,
          claimUntil: claim.until,
          ttl: Math.ceil(claim.until / 1000) + 86_400,
        },
        ConditionExpression: condition.ConditionExpression,
        ...(Object.keys(condition.values).length ? { ExpressionAttributeValues: condition.values } : {}),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    ),
    // Its own claim, written by an attempt whose answer was lost: taken, not lost.
    (found) => found.claimId === claim.id,
  );
}

export async function releaseStart(t: Table, clientId: string, claimId: string): Promise<void> {
  await t.doc
    .send(
      new DeleteCommand({
        TableName: t.tableName,
        Key: pendingKey(clientId),
        ConditionExpression: 'claimId = :id',
        ExpressionAttributeValues: { ':id': claimId },
      }),
    )
    .catch(ignoreConditionFailed);
}

export async function stashStart(t: Table, clientId: string, claimId: string, minted: Verification) {
  return await writeIf(
    t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: pendingKey(clientId),
        UpdateExpression: 'SET minted = :minted',
        ConditionExpression: 'claimId = :id',
        ExpressionAttributeValues: { ':minted': minted, ':id': claimId },
      }),
    ),
  );
}

export async function create(
  t: Table,
  v: Verification,
  claimId: string,
  retentionDays: number,
  sweepAt: string,
) {
  const ttl = ttlAfter(v.createdAt, retentionDays);
  try {
    await transact(t, [
      {
        Put: {
          TableName: t.tableName,
          Item: {
            ...vKey(v.verificationId),
            gsi1pk: `CLIENT#${v.clientId}`,
            gsi1sk: `${v.createdAt}#${v.verificationId}`,
            ttl,
            ...v,
            sweepPk: sweepShard(v.verificationId),
            sweepAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...sessionsOf(v).flatMap((s) => {
        const { role } = s;
        return [
          {
            Put: {
              TableName: t.tableName,
              Item: { ...sessionKey(s.scanRef), verificationId: v.verificationId, role, ttl },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          slotPut(t, v.verificationId, s.scanRef, role, ttl),
        ];
      }),
      {
        Put: {
          TableName: t.tableName,
          Item: {
            ...pendingKey(v.clientId),
            verificationId: v.verificationId,
            ttl: Math.floor(Date.parse(v.expiresAt) / 1000),
          },
          // Only under this start's claim (a claim that lapsed and was taken over has lost).
          ConditionExpression: 'claimId = :claimId',
          ExpressionAttributeValues: { ':claimId': claimId },
        },
      },
    ]);
  } catch (err) {
    if (err instanceof ConditionFailed) throw new StartConflict();
    throw err;
  }
}

export async function saveDecision(
  t: Table,
  verificationId: string,
  expectedVersion: number,
  d: DecisionWrite,
): Promise<Verification> {
  const due = dueParts(verificationId, d.sweepAt);
  const queue = reviewQueueParts(verificationId, d);
  const set = [
    '#status = :status',
    'reasons = :reasons',
    '#report = :report',
    'checks = :checks',
    'decidedAt = :decidedAt',
    'updatedAt = :decidedAt',
    'outbox = :outbox',
    'version = :next',
    'outboxClaim = :claim',
    'decidedOn = :decidedOn',
    ...due.set,
    ...queue.set,
  ];
  if (d.documentExpiresOn) set.push('documentExpiresOn = :documentExpiresOn');
  return await updateVerification(t, {
    Key: vKey(verificationId),
    UpdateExpression: updateExpression(set, [...due.remove, ...queue.remove]),
    // A document session attached after the read would be decided without: read again instead.
    ConditionExpression:
      d.expectedDocumentScanRef === null
        ? 'version = :expected AND attribute_not_exists(#document)'
        : 'version = :expected AND #document.scanRef = :documentScanRef',
    ExpressionAttributeNames: { '#status': 'status', '#report': 'report', '#document': 'document' },
    ExpressionAttributeValues: {
      ':status': d.status,
      ':reasons': d.reasons,
      ':report': d.report,
      ':checks': d.checks,
      ':decidedAt': d.decidedAt,
      ':outbox': d.outbox,
      ':expected': expectedVersion,
      ':next': d.outbox.version,
      ':claim': d.claim,
      ':decidedOn': d.decidedOn,
      ...(d.expectedDocumentScanRef === null ? {} : { ':documentScanRef': d.expectedDocumentScanRef }),
      ...(d.documentExpiresOn ? { ':documentExpiresOn': d.documentExpiresOn } : {}),
      ...due.values,
      ...queue.values,
    },
  });
}

export async function saveProviderResultChange(
  t: Table,
  verificationId: string,
  expectedVersion: number,
  change: ProviderResultChange,
  outbox: OutboxEvent,
  sweepAt: string,
  claim: OutboxClaim,
): Promise<Verification> {
  return await updateVerification(t, {
    Key: vKey(verificationId),
    UpdateExpression:
      'SET providerResultChanged = list_append(if_not_exists(providerResultChanged, :none), :change), ' +
      'outbox = :outbox, version = :next, updatedAt = :at, outboxClaim = :claim, sweepPk = :duePk, sweepAt = :dueAt',
    ConditionExpression: 'version = :expected AND attribute_not_exists(erasure)',
    ExpressionAttributeValues: {
      ':none': [],
      ':change': [change],
      ':outbox': outbox,
      ':next': outbox.version,
      ':at': change.at,
      ':claim': claim,
      ':expected': expectedVersion,
      ':duePk': sweepShard(verificationId),
      ':dueAt': sweepAt,
    },
  });
}

export async function saveExpiringNotice(
  t: Table,
  verificationId: string,
  expectedVersion: number,
  outbox: OutboxEvent,
  notifiedAt: string,
  sweepAt: string,
  claim: OutboxClaim,
): Promise<Verification> {
  return await updateVerification(t, {
    Key: vKey(verificationId),
    UpdateExpression:
      'SET outbox = :outbox, version = :next, expiringNotifiedAt = :at, sweepPk = :duePk, sweepAt = :dueAt, ' +
      'outboxClaim = :claim',
    ConditionExpression:
      'version = :expected AND #status = :verified AND attribute_not_exists(expiringNotifiedAt) AND ' +
      'attribute_not_exists(erasure)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':outbox': outbox,
      ':next': outbox.version,
      ':at': notifiedAt,
      ':expected': expectedVersion,
      ':verified': 'VERIFIED',
      ':duePk': sweepShard(verificationId),
      ':dueAt': sweepAt,
      ':claim': claim,
    },
  });
}
