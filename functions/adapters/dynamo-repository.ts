/**
 * DynamoDB single-table repository.
 *   V#<id> / VERIFICATION        the verification (status, sessions, report, outbox)
 *   V#<id> / RESULT#<role>       the latest accepted iDenfy result of one session
 *   SESSION#<scanRef> / SESSION  scanRef → verification lookup for webhooks
 *   CLIENT#<clientId> / PENDING  the client's blocking verification (one start at a time)
 * Every item carries `ttl` so personal data expires after the retention period.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type DecisionWrite,
  type NewResult,
  type RecordOutcome,
  type SessionRef,
  StartConflict,
  type Verification,
  type VerificationRepository,
  VersionConflict,
} from '../app/model';
import type { SessionResult, SessionRole } from '../domain/types';

const VERIFICATION = 'VERIFICATION';
const vKey = (id: string) => ({ pk: `V#${id}`, sk: VERIFICATION });
const sessionKey = (scanRef: string) => ({ pk: `SESSION#${scanRef}`, sk: 'SESSION' });
const pendingKey = (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'PENDING' });

const ttlAfter = (from: string, days: number) => Math.floor(Date.parse(from) / 1000) + days * 86_400;

/** Attributes that are storage plumbing, not part of the verification. */
const STORAGE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'ttl', 'outboxClaim'] as const;

/** A conditional write that found its work already done is not an error. */
function ignoreConditionFailed(err: unknown): void {
  if (!(err instanceof ConditionalCheckFailedException)) throw err;
}

function toVerification(item: Record<string, unknown>): Verification {
  const copy: Record<string, unknown> = { ...item };
  for (const k of STORAGE_ATTRIBUTES) delete copy[k];
  return copy as unknown as Verification;
}

export class DynamoVerificationRepository implements VerificationRepository {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(verificationId: string): Promise<Verification | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: vKey(verificationId), ConsistentRead: true }),
    );
    return out.Item ? toVerification(out.Item) : undefined;
  }

  async pendingForClient(clientId: string) {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: pendingKey(clientId), ConsistentRead: true }),
    );
    return out.Item ? { verificationId: out.Item.verificationId as string } : undefined;
  }

  async create(v: Verification, replacing: string | null, retentionDays: number): Promise<void> {
    const ttl = ttlAfter(v.createdAt, retentionDays);
    const sessions = [v.identity, v.document].filter((s): s is SessionRef => s !== undefined);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...vKey(v.verificationId),
                  gsi1pk: `CLIENT#${v.clientId}`,
                  gsi1sk: `${v.createdAt}#${v.verificationId}`,
                  ttl,
                  ...v,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...sessions.map((s, i) => ({
              Put: {
                TableName: this.tableName,
                Item: {
                  ...sessionKey(s.scanRef),
                  verificationId: v.verificationId,
                  role: (i === 0 ? 'IDENTITY' : 'DOCUMENT') as SessionRole,
                  ttl,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...pendingKey(v.clientId),
                  verificationId: v.verificationId,
                  ttl: Math.floor(Date.parse(v.expiresAt) / 1000),
                },
                ConditionExpression:
                  replacing === null ? 'attribute_not_exists(pk)' : 'verificationId = :replacing',
                ExpressionAttributeValues: replacing === null ? undefined : { ':replacing': replacing },
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) throw new StartConflict();
      throw err;
    }
  }

  async attachDocumentSession(verificationId: string, session: SessionRef, retentionDays: number) {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: vKey(verificationId),
                UpdateExpression: 'SET #document = :session, updatedAt = :now',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#document)',
                ExpressionAttributeNames: { '#document': 'document' },
                ExpressionAttributeValues: { ':session': session, ':now': session.createdAt },
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...sessionKey(session.scanRef),
                  verificationId,
                  role: 'DOCUMENT' satisfies SessionRole,
                  ttl: ttlAfter(session.createdAt, retentionDays),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return session;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const winner = (await this.get(verificationId))?.document;
      if (!winner) throw err;
      return winner;
    }
  }

  async findSession(scanRef: string) {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: sessionKey(scanRef), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    return { verificationId: out.Item.verificationId as string, role: out.Item.role as SessionRole };
  }

  /**
   * Monotonic: a body already seen (duplicate or replay) changes nothing, and a non-final result
   * never replaces a final one. A later, different final result does (iDenfy's manual review).
   */
  async recordResult(
    verificationId: string,
    result: NewResult,
    retentionDays: number,
  ): Promise<{ outcome: RecordOutcome; resultVersion: number }> {
    const key = { pk: `V#${verificationId}`, sk: `RESULT#${result.role}` };
    const { digest, ...fields } = result;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET #role = :role, scanRef = :scanRef, overall = :overall, #final = :final, eventType = :eventType, ' +
            '#document = :document, fraudTags = :fraudTags, mismatchTags = :mismatchTags, receivedAt = :receivedAt, ' +
            '#ttl = :ttl, resultVersion = if_not_exists(resultVersion, :zero) + :one ADD digests :digestSet',
          ConditionExpression:
            'attribute_not_exists(pk) OR (NOT contains(digests, :digest) AND (#final = :false OR :final = :true))',
          ExpressionAttributeNames: {
            '#role': 'role',
            '#final': 'final',
            '#document': 'document',
            '#ttl': 'ttl',
          },
          ExpressionAttributeValues: {
            ':role': fields.role,
            ':scanRef': fields.scanRef,
            ':overall': fields.overall,
            ':final': fields.final,
            ':eventType': fields.eventType ?? null,
            ':document': fields.document,
            ':fraudTags': fields.fraudTags,
            ':mismatchTags': fields.mismatchTags,
            ':receivedAt': fields.receivedAt,
            ':ttl': ttlAfter(fields.receivedAt, retentionDays),
            ':zero': 0,
            ':one': 1,
            ':digestSet': new Set([digest]),
            ':digest': digest,
            ':false': false,
            ':true': true,
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { outcome: 'recorded', resultVersion: Number(out.Attributes?.resultVersion) };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const stored = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
      );
      const digests = stored.Item?.digests as Set<string> | undefined;
      return {
        outcome: digests?.has(digest) ? 'duplicate' : 'superseded',
        resultVersion: Number(stored.Item?.resultVersion ?? 0),
      };
    }
  }

  async results(verificationId: string): Promise<SessionResult[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `V#${verificationId}`, ':prefix': 'RESULT#' },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => ({
      role: item.role,
      scanRef: item.scanRef,
      overall: item.overall,
      final: item.final,
      eventType: item.eventType,
      document: item.document ?? {},
      fraudTags: item.fraudTags ?? [],
      mismatchTags: item.mismatchTags ?? [],
      resultVersion: Number(item.resultVersion),
    }));
  }

  async saveDecision(
    verificationId: string,
    expectedVersion: number,
    d: DecisionWrite,
  ): Promise<Verification> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: vKey(verificationId),
          UpdateExpression:
            'SET #status = :status, reasons = :reasons, #report = :report, checks = :checks, decidedAt = :decidedAt, ' +
            'updatedAt = :decidedAt, outbox = :outbox, version = :next',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeNames: { '#status': 'status', '#report': 'report' },
          ExpressionAttributeValues: {
            ':status': d.status,
            ':reasons': d.reasons,
            ':report': d.report,
            ':checks': d.checks,
            ':decidedAt': d.decidedAt,
            ':outbox': d.outbox,
            ':expected': expectedVersion,
            ':next': d.outbox.version,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toVerification(out.Attributes ?? {});
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new VersionConflict();
      throw err;
    }
  }

  async claimOutbox(verificationId: string, version: number, runId: string, now: Date, leaseMs: number) {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
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
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async releaseOutbox(verificationId: string, runId: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: vKey(verificationId),
          UpdateExpression: 'REMOVE outboxClaim',
          ConditionExpression: 'outboxClaim.runId = :runId',
          ExpressionAttributeValues: { ':runId': runId },
        }),
      )
      .catch(ignoreConditionFailed);
  }

  async markPublished(verificationId: string, version: number): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: vKey(verificationId),
          UpdateExpression: 'SET publishedVersion = :v',
          ConditionExpression: 'attribute_not_exists(publishedVersion) OR publishedVersion < :v',
          ExpressionAttributeValues: { ':v': version },
        }),
      )
      // Already marked by a concurrent run: nothing to do.
      .catch(ignoreConditionFailed);
  }
}
