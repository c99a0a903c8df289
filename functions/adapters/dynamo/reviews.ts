/**
 * Reviews and audit: a person's decision (or the first of two approvals) and its append-only audit
 * line, in one transaction.
 */
import type { AuditEntry, FirstApproval, ReviewWrite } from '../../app/model';
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

export async function saveFirstApproval(
  t: Table,
  verificationId: string,
  expectedVersion: number,
  approval: FirstApproval,
  audit: AuditEntry,
  retentionDays: number,
): Promise<void> {
  const next = expectedVersion + 1;
  try {
    await transact(t, [
      {
        Update: {
          TableName: t.tableName,
          Key: vKey(verificationId),
          // The version moves on: a review or another first approval that read the old one conflicts.
          UpdateExpression: 'SET firstApproval = :approval, updatedAt = :at, version = :next',
          // Only the first: a second approval decides through saveReview, never overwrites the first.
          ConditionExpression:
            'version = :expected AND #status = :reviewable AND attribute_not_exists(erasure) AND ' +
            'attribute_not_exists(firstApproval)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':approval': approval,
            ':at': approval.at,
            ':next': next,
            ':expected': expectedVersion,
            ':reviewable': 'REQUIRES_REVIEW',
          },
        },
      },
      auditPut(t, verificationId, audit, `approval-${next}`, retentionDays),
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
