import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, Erasure } from '../../app/model';
import { auditPut } from './reviews';
import {
  ConditionFailed,
  documentKey,
  dueParts,
  readPartition,
  type Table,
  transact,
  ttlAfter,
  updateExpression,
  VERIFICATION,
  vKey,
} from './table';
import { get } from './verifications';

export async function erase(
  t: Table,
  verificationId: string,
  erasure: Erasure,
  audit: AuditEntry,
  retentionDays: number,
): Promise<'erased' | 'changed' | 'refused'> {
  // One read of the verification's partition (the verification, its slots, its audit lines). The
  // transaction below removes what this read found and is conditional on nothing having been added since: a review (its note) bumps `version`,
  // a document binding bumps `bindingVersion`. A webhook needs no read: its slot is tombstoned by key.
  const items = await readPartition(t, verificationId);
  const main = items.find((i) => i.sk === VERIFICATION);
  if (!main) return 'refused';
  const notes = items.filter((i) => String(i.sk).startsWith('AUDIT#') && i.note != null);
  const boundDigests = [...((main.boundDocuments as Set<string> | undefined) ?? [])];
  const bindingVersion = main.bindingVersion as number | undefined;
  const due = dueParts(verificationId, erasure.nextAttemptAt);
  const sessions = Object.entries(erasure.idenfy);
  const ttl = ttlAfter(erasure.requestedAt, retentionDays);
  try {
    await transact(t, [
      {
        Update: {
          TableName: t.tableName,
          Key: vKey(verificationId),
          UpdateExpression: updateExpression(
            ['erasure = :erasure', 'updatedAt = :at', ...due.set],
            [
              'claimed',
              '#report',
              'documentExpiresOn',
              'reviewingUntil',
              'boundDocuments',
              // An erased verification cannot be reviewed: it leaves the review queue.
              'reviewPk',
              'reviewAt',
              ...due.remove,
            ],
          ),
          ConditionExpression:
            'version = :version AND #status <> :pending AND attribute_not_exists(erasure) AND ' +
            (bindingVersion === undefined ? 'attribute_not_exists(bindingVersion)' : 'bindingVersion = :bv'),
          ExpressionAttributeNames: { '#status': 'status', '#report': 'report' },
          ExpressionAttributeValues: {
            ':erasure': erasure,
            ':at': erasure.requestedAt,
            ':pending': 'PENDING',
            ':version': main.version,
            ...(bindingVersion === undefined ? {} : { ':bv': bindingVersion }),
            ...due.values,
          },
        },
      },
      ...boundDigests.map((digest) => ({
        Delete: { TableName: t.tableName, Key: documentKey(digest, verificationId) },
      })),
      // Each session's result keeps its status and becomes a tombstone that refuses late webhooks.
      ...sessions.map(([scanRef, s]) => ({
        Update: {
          TableName: t.tableName,
          Key: { pk: `V#${verificationId}`, sk: `RESULT#${scanRef}` },
          UpdateExpression:
            'SET erased = :true, #role = :role, scanRef = :scanRef, ' +
            '#ttl = if_not_exists(#ttl, :ttl) REMOVE #document, digests, additionalStep, proofOfAddress',
          ExpressionAttributeNames: { '#role': 'role', '#document': 'document', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':true': true,
            ':role': s.role,
            ':scanRef': scanRef,
            ':ttl': ttl,
          },
        },
      })),
      // A reviewer's note may describe the person: redacted, the rest of the line stays.
      ...notes.map((a) => ({
        Update: {
          TableName: t.tableName,
          Key: { pk: a.pk, sk: a.sk },
          UpdateExpression: 'SET note = :null, noteRedactedAt = :at',
          ExpressionAttributeValues: { ':null': null, ':at': erasure.requestedAt },
        },
      })),
      auditPut(t, verificationId, audit, 'erasure', retentionDays),
    ]);
    return 'erased';
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err;
    // Already erased (or still PENDING): refused. Otherwise something was written since the read.
    const now = await get(t, verificationId);
    return !now || now.erasure || now.status === 'PENDING' ? 'refused' : 'changed';
  }
}

export async function saveErasureProgress(t: Table, verificationId: string, erasure: Erasure): Promise<void> {
  const due = dueParts(verificationId, erasure.nextAttemptAt);
  await t.doc.send(
    new UpdateCommand({
      TableName: t.tableName,
      Key: vKey(verificationId),
      UpdateExpression: updateExpression(['erasure = :erasure', ...due.set], due.remove),
      ConditionExpression: 'attribute_exists(erasure)',
      ExpressionAttributeValues: { ':erasure': erasure, ...due.values },
    }),
  );
}
