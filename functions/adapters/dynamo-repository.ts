/**
 * DynamoDB single-table repository.
 *   V#<id> / VERIFICATION        the verification (status, sessions, report, outbox)
 *   V#<id> / RESULT#<scanRef>    one session's slot (its role, written with the session) and the
 *                                latest accepted iDenfy result for it
 *   SESSION#<scanRef> / SESSION  scanRef → verification lookup for webhooks
 *   V#<id> / AUDIT#<at>#<n>      append-only audit trail (reviews, erasure)
 *   SESSION#<scanRef> / SESSION  scanRef → verification lookup for webhooks
 *   CLIENT#<clientId> / PENDING  the client's start slot: its blocking verification, or a start's
 *                                claim (a lease) while iDenfy mints the token (one start at a time)
 *   DOC#<digest> / V#<id>        a document (keyed hash of type, country, number) bound to a
 *                                verification and its client; the verification item lists the
 *                                digests it bound (`boundDocuments`) so erasure deletes them by key
 * Indexes: `byClient` (gsi1pk = CLIENT#id, gsi1sk = createdAt#id) lists a client's verifications;
 * `bySweep` (sweepPk = DUE, sweepAt) is sparse and holds only verifications the sweep has work for.
 * Every item carries `ttl` so personal data expires after the retention period.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AuditEntry,
  type DecisionWrite,
  type Erasure,
  InvalidCursor,
  type Lease,
  type NewResult,
  type OutboxClaim,
  type OutboxEvent,
  type ProviderResultChange,
  type RecordOutcome,
  type ReviewWrite,
  type SessionRef,
  StartConflict,
  type StartSlot,
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

export const SWEEP_INDEX = 'bySweep';
export const CLIENT_INDEX = 'byClient';
const DUE = 'DUE';

/** Attributes that are storage plumbing, not part of the verification. */
const STORAGE_ATTRIBUTES = [
  'pk',
  'sk',
  'gsi1pk',
  'gsi1sk',
  'ttl',
  'outboxClaim',
  'sweepPk',
  'boundDocuments',
  'bindingVersion',
  'documentClaim',
] as const;
const documentKey = (digest: string, verificationId: string) => ({
  pk: `DOC#${digest}`,
  sk: `V#${verificationId}`,
});

/** Update-expression parts that put a verification in (or take it out of) the sparse sweep index. */
function dueParts(at: string | null): { set: string[]; remove: string[]; values: Record<string, unknown> } {
  return at === null
    ? { set: [], remove: ['sweepPk', 'sweepAt'], values: {} }
    : { set: ['sweepPk = :duePk', 'sweepAt = :dueAt'], remove: [], values: { ':duePk': DUE, ':dueAt': at } };
}

function updateExpression(set: string[], remove: string[] = []): string {
  return [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
}

/** A byClient position: exactly the table and index keys of one of this client's verifications. */
function isClientCursor(key: Record<string, unknown>, clientId: string): boolean {
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
function isRecordedResult(item: Record<string, unknown>): boolean {
  return item.overall !== undefined;
}

function toResult(item: Record<string, unknown>): SessionResult {
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
    resultVersion: Number(item.resultVersion ?? 0),
  };
}

function toAudit(item: Record<string, unknown>): AuditEntry {
  const { pk: _pk, sk: _sk, ttl: _ttl, noteRedactedAt: _r, ...entry } = item;
  return entry as unknown as AuditEntry;
}

/** A conditional write that found its work already done is not an error. */
function ignoreConditionFailed(err: unknown): void {
  if (!(err instanceof ConditionalCheckFailedException)) throw err;
}

function toVerification(item: Record<string, unknown>): Verification {
  const copy: Record<string, unknown> = { ...item };
  for (const k of STORAGE_ATTRIBUTES) delete copy[k];
  if (copy.reconciled instanceof Set) copy.reconciled = [...copy.reconciled];
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

  async pendingForClient(clientId: string): Promise<StartSlot | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: pendingKey(clientId), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item) return undefined;
    if (typeof item.claimId === 'string') {
      return { claim: { id: item.claimId, until: Number(item.claimUntil) } };
    }
    return { verificationId: item.verificationId as string };
  }

  async claimStart(clientId: string, claim: Lease, seen: StartSlot | undefined, now: Date) {
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
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...pendingKey(clientId),
            claimId: claim.id,
            claimUntil: claim.until,
            ttl: Math.ceil(claim.until / 1000) + 86_400,
          },
          ConditionExpression: condition.ConditionExpression,
          ...(Object.keys(condition.values).length ? { ExpressionAttributeValues: condition.values } : {}),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async releaseStart(clientId: string, claimId: string): Promise<void> {
    await this.doc
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: pendingKey(clientId),
          ConditionExpression: 'claimId = :id',
          ExpressionAttributeValues: { ':id': claimId },
        }),
      )
      .catch(ignoreConditionFailed);
  }

  async claimDocumentSession(verificationId: string, claim: Lease, now: Date) {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: vKey(verificationId),
          UpdateExpression: 'SET documentClaim = :claim',
          ConditionExpression:
            '#status = :pending AND attribute_not_exists(#document) AND attribute_not_exists(erasure) AND ' +
            '(attribute_not_exists(documentClaim) OR documentClaim.#until < :now)',
          ExpressionAttributeNames: { '#status': 'status', '#document': 'document', '#until': 'until' },
          ExpressionAttributeValues: { ':claim': claim, ':pending': 'PENDING', ':now': now.getTime() },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async releaseDocumentSession(verificationId: string, claimId: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: vKey(verificationId),
          UpdateExpression: 'REMOVE documentClaim',
          ConditionExpression: 'documentClaim.id = :id',
          ExpressionAttributeValues: { ':id': claimId },
        }),
      )
      .catch(ignoreConditionFailed);
  }

  async snapshot(verificationId: string) {
    const items: Record<string, unknown>[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `V#${verificationId}` },
          ConsistentRead: true,
          ExclusiveStartKey: after,
        }),
      );
      items.push(...(out.Items ?? []));
      after = out.LastEvaluatedKey;
    } while (after);
    const main = items.find((i) => i.sk === VERIFICATION);
    if (!main) return undefined;
    return {
      verification: toVerification(main),
      results: items.filter((i) => String(i.sk).startsWith('RESULT#') && isRecordedResult(i)).map(toResult),
      audit: items.filter((i) => String(i.sk).startsWith('AUDIT#')).map(toAudit),
    };
  }

  async listByClient(clientId: string, limit: number, after?: Record<string, unknown>) {
    if (after !== undefined && !isClientCursor(after, clientId)) throw new InvalidCursor();
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
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

  async create(v: Verification, claimId: string, retentionDays: number, sweepAt: string) {
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
                  sweepPk: DUE,
                  sweepAt,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            ...sessions.flatMap((s, i) => {
              const role: SessionRole = i === 0 ? 'IDENTITY' : 'DOCUMENT';
              return [
                {
                  Put: {
                    TableName: this.tableName,
                    Item: { ...sessionKey(s.scanRef), verificationId: v.verificationId, role, ttl },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                this.slotPut(v.verificationId, s.scanRef, role, ttl),
              ];
            }),
            {
              Put: {
                TableName: this.tableName,
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
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) throw new StartConflict();
      throw err;
    }
  }

  async attachDocumentSession(
    verificationId: string,
    session: SessionRef,
    claimId: string,
    retentionDays: number,
    sweepAt: string,
  ) {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: vKey(verificationId),
                // The sweep's deadline moves with the new token's lifetime.
                UpdateExpression:
                  'SET #document = :session, updatedAt = :now, sweepPk = :duePk, sweepAt = :dueAt ' +
                  'REMOVE documentClaim',
                // Under this caller's claim, and never into a decided or erased verification (its
                // session's results would escape the erasure).
                ConditionExpression:
                  'attribute_not_exists(#document) AND documentClaim.id = :claimId AND #status = :pending AND ' +
                  'attribute_not_exists(erasure)',
                ExpressionAttributeNames: { '#document': 'document', '#status': 'status' },
                ExpressionAttributeValues: {
                  ':claimId': claimId,
                  ':pending': 'PENDING',
                  ':session': session,
                  ':now': session.createdAt,
                  ':duePk': DUE,
                  ':dueAt': sweepAt,
                },
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
            this.slotPut(
              verificationId,
              session.scanRef,
              'DOCUMENT',
              ttlAfter(session.createdAt, retentionDays),
            ),
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

  /** A session's result slot: webhooks for it can be recorded with one conditional write. */
  private slotPut(verificationId: string, scanRef: string, role: SessionRole, ttl: number) {
    return {
      Put: {
        TableName: this.tableName,
        Item: { pk: `V#${verificationId}`, sk: `RESULT#${scanRef}`, role, scanRef, ttl },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
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
   * Nothing is recorded for an erased verification.
   */
  async recordResult(
    verificationId: string,
    result: NewResult,
    retentionDays: number,
  ): Promise<{ outcome: RecordOutcome; resultVersion: number }> {
    const key = { pk: `V#${verificationId}`, sk: `RESULT#${result.scanRef}` };
    const { digest, ...fields } = result;
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET overall = :overall, #final = :final, eventType = :eventType, ' +
            '#document = :document, fraudTags = :fraudTags, mismatchTags = :mismatchTags, receivedAt = :receivedAt, ' +
            'additionalStep = :additionalStep, face = :face, ' +
            '#ttl = :ttl, resultVersion = if_not_exists(resultVersion, :zero) + :one ADD digests :digestSet',
          // Only into a slot of ours; never over an erasure, a digest already seen, or a final result by a non-final one.
          ConditionExpression:
            'attribute_exists(pk) AND attribute_not_exists(erased) AND (attribute_not_exists(overall) OR ' +
            '(NOT contains(digests, :digest) AND (#final = :false OR :final = :true)))',
          ExpressionAttributeNames: {
            '#final': 'final',
            '#document': 'document',
            '#ttl': 'ttl',
          },
          ExpressionAttributeValues: {
            ':overall': fields.overall,
            ':final': fields.final,
            ':eventType': fields.eventType ?? null,
            ':document': fields.document,
            ':fraudTags': fields.fraudTags,
            ':mismatchTags': fields.mismatchTags,
            ':additionalStep': fields.additionalStep ?? null,
            ':face': fields.face ?? null,
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
        outcome: !stored.Item
          ? 'unknown'
          : stored.Item.erased
            ? 'erased'
            : digests?.has(digest)
              ? 'duplicate'
              : 'superseded',
        resultVersion: Number(stored.Item?.resultVersion ?? 0),
      };
    }
  }

  async bindDocuments(
    verificationId: string,
    clientId: string,
    digests: string[],
    retention: { from: string; days: number },
  ): Promise<{ otherClient: boolean }> {
    const unique = [...new Set(digests)];
    const ttl = ttlAfter(retention.from, retention.days);
    if (unique.length === 0) return { otherClient: false };
    // Bind first, then look: two clients binding one document at the same moment both see each other.
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: vKey(verificationId),
                // The version lets an erasure that read the list refuse to run past a newer binding.
                UpdateExpression:
                  'ADD boundDocuments :digests SET bindingVersion = if_not_exists(bindingVersion, :zero) + :one',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(erasure)',
                ExpressionAttributeValues: { ':digests': new Set(unique), ':zero': 0, ':one': 1 },
              },
            },
            ...unique.map((digest) => ({
              Put: {
                TableName: this.tableName,
                Item: { ...documentKey(digest, verificationId), clientId, ttl },
              },
            })),
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) throw new VersionConflict();
      throw err;
    }
    for (const digest of unique) {
      let after: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `DOC#${digest}` },
            ProjectionExpression: 'clientId',
            ConsistentRead: true,
            ExclusiveStartKey: after,
          }),
        );
        if ((out.Items ?? []).some((i) => i.clientId !== clientId)) return { otherClient: true };
        after = out.LastEvaluatedKey;
      } while (after);
    }
    return { otherClient: false };
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
    return (out.Items ?? []).filter(isRecordedResult).map(toResult);
  }

  async saveDecision(
    verificationId: string,
    expectedVersion: number,
    d: DecisionWrite,
  ): Promise<Verification> {
    const due = dueParts(d.sweepAt);
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
    ];
    if (d.documentExpiresOn) set.push('documentExpiresOn = :documentExpiresOn');
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: vKey(verificationId),
          UpdateExpression: updateExpression(set, due.remove),
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

  async saveReview(
    verificationId: string,
    expectedVersion: number,
    r: ReviewWrite,
    audit: AuditEntry,
    retentionDays: number,
  ): Promise<void> {
    const due = dueParts(r.sweepAt);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: vKey(verificationId),
                UpdateExpression: updateExpression([
                  '#status = :status',
                  'reasons = :reasons',
                  'updatedAt = :at',
                  'outbox = :outbox',
                  'version = :next',
                  'outboxClaim = :claim',
                  ...due.set,
                ]),
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
            this.auditPut(verificationId, audit, r.outbox.version, retentionDays),
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) throw new VersionConflict();
      throw err;
    }
  }

  private auditPut(verificationId: string, audit: AuditEntry, n: number | string, retentionDays: number) {
    return {
      Put: {
        TableName: this.tableName,
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

  async saveProviderResultChange(
    verificationId: string,
    expectedVersion: number,
    change: ProviderResultChange,
    outbox: OutboxEvent,
    sweepAt: string,
    claim: OutboxClaim,
  ): Promise<Verification> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
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
            ':duePk': DUE,
            ':dueAt': sweepAt,
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

  async saveExpiringNotice(
    verificationId: string,
    expectedVersion: number,
    outbox: OutboxEvent,
    notifiedAt: string,
    sweepAt: string,
    claim: OutboxClaim,
  ): Promise<Verification> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
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
            ':duePk': DUE,
            ':dueAt': sweepAt,
            ':claim': claim,
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

  async markPublished(verificationId: string, version: number, nextDue: string | null): Promise<void> {
    const due = dueParts(nextDue);
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
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

  async reschedule(verificationId: string, seen: string | undefined, next: string | null): Promise<void> {
    const due = dueParts(next);
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
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

  async markReconciled(verificationId: string, scanRef: string, reviewingUntil?: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
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

  async dueForSweep(now: Date, limit: number, after?: Record<string, unknown>) {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
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

  async erase(
    verificationId: string,
    erasure: Erasure,
    audit: AuditEntry,
    retentionDays: number,
  ): Promise<'erased' | 'changed' | 'refused'> {
    // One read of the verification's partition (the verification, its slots, its audit lines). The transaction below removes what this read
    // found and is conditional on nothing having been added since: a review (its note) bumps `version`,
    // a document binding bumps `bindingVersion`. A webhook needs no read: its slot is tombstoned by key.
    const items: Record<string, unknown>[] = [];
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `V#${verificationId}` },
          ConsistentRead: true,
          ExclusiveStartKey: after,
        }),
      );
      items.push(...(out.Items ?? []));
      after = out.LastEvaluatedKey;
    } while (after);
    const main = items.find((i) => i.sk === VERIFICATION);
    if (!main) return 'refused';
    const notes = items.filter((i) => String(i.sk).startsWith('AUDIT#') && i.note != null);
    const boundDigests = [...((main.boundDocuments as Set<string> | undefined) ?? [])];
    const bindingVersion = main.bindingVersion as number | undefined;
    const due = dueParts(erasure.nextAttemptAt);
    const sessions = Object.entries(erasure.idenfy);
    const ttl = ttlAfter(erasure.requestedAt, retentionDays);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: vKey(verificationId),
                UpdateExpression: updateExpression(
                  ['erasure = :erasure', 'updatedAt = :at', ...due.set],
                  [
                    'claimed',
                    '#report',
                    'documentExpiresOn',
                    'reviewingUntil',
                    'boundDocuments',
                    ...due.remove,
                  ],
                ),
                ConditionExpression:
                  'version = :version AND #status <> :pending AND attribute_not_exists(erasure) AND ' +
                  (bindingVersion === undefined
                    ? 'attribute_not_exists(bindingVersion)'
                    : 'bindingVersion = :bv'),
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
              Delete: { TableName: this.tableName, Key: documentKey(digest, verificationId) },
            })),
            // Each session's result keeps its status and becomes a tombstone that refuses late webhooks.
            ...sessions.map(([scanRef, s]) => ({
              Update: {
                TableName: this.tableName,
                Key: { pk: `V#${verificationId}`, sk: `RESULT#${scanRef}` },
                UpdateExpression:
                  'SET erased = :true, #role = :role, scanRef = :scanRef, ' +
                  '#ttl = if_not_exists(#ttl, :ttl) REMOVE #document, digests, additionalStep',
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
                TableName: this.tableName,
                Key: { pk: a.pk, sk: a.sk },
                UpdateExpression: 'SET note = :null, noteRedactedAt = :at',
                ExpressionAttributeValues: { ':null': null, ':at': erasure.requestedAt },
              },
            })),
            this.auditPut(verificationId, audit, 'erasure', retentionDays),
          ],
        }),
      );
      return 'erased';
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      // Already erased (or still PENDING): refused. Otherwise something was written since the read.
      const now = await this.get(verificationId);
      return !now || now.erasure || now.status === 'PENDING' ? 'refused' : 'changed';
    }
  }

  async saveErasureProgress(verificationId: string, erasure: Erasure): Promise<void> {
    const due = dueParts(erasure.nextAttemptAt);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: vKey(verificationId),
        UpdateExpression: updateExpression(['erasure = :erasure', ...due.set], due.remove),
        ConditionExpression: 'attribute_exists(erasure)',
        ExpressionAttributeValues: { ':erasure': erasure, ...due.values },
      }),
    );
  }
}
