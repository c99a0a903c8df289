/**
 * Reviews and audit: a person's decision and its append-only audit line, in one transaction.
 */
import type { AuditEntry, ReviewWrite } from '../../app/model';
import { VersionConflict } from '../../app/store-errors';
import { ConditionFailed, dueParts, type Table, transact, ttlAfter, updateExpression, vKey } from './table';

export async function saveReview(
  t: Table,
  verificationId: string,
  expectedVersion: number,
  r: ReviewWrite,
  audit: AuditEntry,
  retentionDays: number,
): Promise<void> {
  const due = dueParts(verificationId, r.sweepAt);
  try {
    await transact(t, [
      {
        Update: {
          TableName: t.tableName,
          Key: vKey(verificationId),
          UpdateExpression: updateExpression(
            [
              '#status = :status',
              'reasons = :reasons',
              'updatedAt = :at',
              'outbox = :outbox',
              'version = :next',
              'outboxClaim = :claim',
              ...due.set,
            ],
            ['reviewPk', 'reviewAt'],
          ),
          ConditionExpression:
            'version = :expected AND #status = :reviewable AND attribute_not_exists(erasure)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': r.status,
            ':reasons': r.reasons,
            ':at': r.updatedAt,
            ':outbox': r.outbox,
            ':next': r.outbox.version,
            ':claim': r.claim,
            ':expected': expectedVersion,
            ':reviewable': 'REQUIRES_REVIEW',
            ...due.values,
          },
        },
      },
      auditPut(t, verificationId, audit, r.outbox.version, retentionDays),
    ]);
  } catch (err) {
    if (err instanceof ConditionFailed) throw new VersionConflict();
    throw err;
  }
}

export function auditPut(
  t: Table,
  verificationId: string,
  audit: AuditEntry,
  n: number | string,
  retentionDays: number,
) {
  return {
    Put: {
      TableName: t.tableName,
      Item: {
        pk: `V#${verificationId}`,
        sk: `AUDIT#${audit.at}#${n}`,
        ...audit,
        ttl: ttlAfter(audit.at, retentionDays),
      },
      // Append-only: an audit line is never overwritten.
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
