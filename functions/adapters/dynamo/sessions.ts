/**
 * Sessions and results: the document session's claim and attachment, the scanRef lookup, each session's
 * result slot (one conditional write per webhook), and the documents a decision binds.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentBinding, Lease, NewResult, RecordOutcome, SessionRef } from '../../app/model';
import { VersionConflict } from '../../app/store-errors';
import type { SessionResult, SessionRole } from '../../domain/types';
import {
  ConditionFailed,
  documentKey,
  ignoreConditionFailed,
  isRecordedResult,
  readAll,
  resultKey,
  sessionKey,
  slotPut,
  sweepShard,
  type Table,
  toResult,
  transact,
  ttlAfter,
  vKey,
  writeIf,
} from './table';
import { get } from './verifications';

export async function claimDocumentSession(
  t: Table,
  verificationId: string,
  identityScanRef: string,
  claim: Lease,
  now: Date,
): Promise<boolean> {
  try {
    await transact(t, [
      {
        Update: {
          TableName: t.tableName,
          Key: vKey(verificationId),
          // The browser came back through the success link: the identity step's link is used up.
          UpdateExpression:
            'SET documentClaim = :claim, identityReturn = if_not_exists(identityReturn, :success)',
          ConditionExpression:
            '#status = :pending AND attribute_not_exists(#document) AND attribute_not_exists(erasure) AND ' +
            '(attribute_not_exists(documentClaim) OR documentClaim.#until < :now)',
          ExpressionAttributeNames: { '#status': 'status', '#document': 'document', '#until': 'until' },
          ExpressionAttributeValues: {
            ':claim': claim,
            ':pending': 'PENDING',
            ':now': now.getTime(),
            ':success': 'success',
          },
        },
      },
      {
        // A denial recorded for the identity step (even iDenfy's automatic, non-final one) closes
        // the door in the same write: a denial and a claim cannot both miss each other.
        ConditionCheck: {
          TableName: t.tableName,
          Key: resultKey(verificationId, identityScanRef),
          ConditionExpression: 'attribute_not_exists(overall) OR overall <> :denied',
          ExpressionAttributeValues: { ':denied': 'DENIED' },
        },
      },
    ]);
    return true;
  } catch (err) {
    if (err instanceof ConditionFailed) return false;
    throw err;
  }
}

export async function markIdentityReturned(
  t: Table,
  verificationId: string,
  outcome: 'error' | 'unverified',
): Promise<void> {
  await t.doc
    .send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: vKey(verificationId),
        UpdateExpression: 'SET identityReturn = if_not_exists(identityReturn, :outcome)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':outcome': outcome },
      }),
    )
    .catch(ignoreConditionFailed);
}

export async function stashDocumentSession(
  t: Table,
  verificationId: string,
  claimId: string,
  minted: SessionRef,
): Promise<boolean> {
  return await writeIf(
    t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: vKey(verificationId),
        UpdateExpression: 'SET documentClaim.minted = :minted',
        ConditionExpression: 'documentClaim.id = :id AND attribute_not_exists(#document)',
        ExpressionAttributeNames: { '#document': 'document' },
        ExpressionAttributeValues: { ':minted': minted, ':id': claimId },
      }),
    ),
  );
}

export async function releaseDocumentSession(
  t: Table,
  verificationId: string,
  claimId: string,
): Promise<void> {
  await t.doc
    .send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: vKey(verificationId),
        UpdateExpression: 'REMOVE documentClaim',
        ConditionExpression: 'documentClaim.id = :id',
        ExpressionAttributeValues: { ':id': claimId },
      }),
    )
    .catch(ignoreConditionFailed);
}

export async function attachDocumentSession(
  t: Table,
  verificationId: string,
  session: SessionRef,
  claimId: string,
  retentionDays: number,
  sweepAt: string,
) {
  try {
    await transact(t, [
      {
        Update: {
          TableName: t.tableName,
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
            ':duePk': sweepShard(verificationId),
            ':dueAt': sweepAt,
          },
        },
      },
      {
        Put: {
          TableName: t.tableName,
          Item: {
            ...sessionKey(session.scanRef),
            verificationId,
            role: 'DOCUMENT' satisfies SessionRole,
            ttl: ttlAfter(session.createdAt, retentionDays),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      slotPut(t, verificationId, session.scanRef, 'DOCUMENT', ttlAfter(session.createdAt, retentionDays)),
    ]);
    return session;
  } catch (err) {
    if (!(err instanceof ConditionFailed)) throw err;
    const winner = (await get(t, verificationId))?.document;
    // No session won: the verification was decided or erased meanwhile (or the claim was lost).
    if (!winner) throw new VersionConflict();
    return winner;
  }
}

export async function findSession(t: Table, scanRef: string) {
  const out = await t.doc.send(
    new GetCommand({ TableName: t.tableName, Key: sessionKey(scanRef), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  return { verificationId: out.Item.verificationId as string, role: out.Item.role as SessionRole };
}

/**
 * Monotonic: a body already seen (duplicate or replay) changes nothing, and a non-final result
 * never replaces a final one. A later, different final result does (iDenfy's manual review).
 * Nothing is recorded for an erased verification.
 */
export async function recordResult(
  t: Table,
  verificationId: string,
  result: NewResult,
  retentionDays: number,
): Promise<{ outcome: RecordOutcome; resultVersion: number }> {
  const key = resultKey(verificationId, result.scanRef);
  const { digest, ...fields } = result;
  try {
    const out = await t.doc.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: key,
        UpdateExpression:
          'SET overall = :overall, #final = :final, eventType = :eventType, ' +
          '#document = :document, fraudTags = :fraudTags, mismatchTags = :mismatchTags, receivedAt = :receivedAt, ' +
          'additionalStep = :additionalStep, face = :face, proofOfAddress = :proofOfAddress, ' +
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
          ':proofOfAddress': fields.proofOfAddress ?? null,
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
    const stored = await t.doc.send(
      new GetCommand({ TableName: t.tableName, Key: key, ConsistentRead: true }),
    );
    const digests = stored.Item?.digests as Set<string> | undefined;
    return {
      // A slot without a result was refused for not existing yet: it was stored after our write.
      outcome: stored.Item?.erased
        ? 'erased'
        : !stored.Item || stored.Item.overall === undefined
          ? 'unknown'
          : digests?.has(digest)
            ? 'duplicate'
            : 'superseded',
      resultVersion: Number(stored.Item?.resultVersion ?? 0),
    };
  }
}

export async function results(t: Table, verificationId: string): Promise<SessionResult[]> {
  const out = await t.doc.send(
    new QueryCommand({
      TableName: t.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `V#${verificationId}`, ':prefix': 'RESULT#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).filter(isRecordedResult).map(toResult);
}

export async function bindDocuments(
  t: Table,
  verificationId: string,
  clientId: string,
  documents: DocumentBinding[],
  retention: { from: string; days: number },
): Promise<{ otherClient: boolean }> {
  const unique = [...new Set(documents.map((d) => d.digest))];
  const ttl = ttlAfter(retention.from, retention.days);
  if (unique.length === 0) return { otherClient: false };
  // Bind first, then look: of two clients binding one document at the same moment, whichever looks
  // last sees the other (never may both miss each other, as look-then-bind would allow).
  try {
    await transact(t, [
      {
        Update: {
          TableName: t.tableName,
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
          TableName: t.tableName,
          Item: { ...documentKey(digest, verificationId), clientId, ttl },
        },
      })),
    ]);
  } catch (err) {
    if (err instanceof ConditionFailed) throw new VersionConflict();
    throw err;
  }
  // Bindings written before the type left the key are found under their own digest (until they expire).
  const lookups = [
    ...new Set(documents.flatMap((d) => [d.digest, ...(d.legacyDigest ? [d.legacyDigest] : [])])),
  ];
  const holders = await Promise.all(lookups.map((digest) => readAll(t, `DOC#${digest}`, 'clientId')));
  return { otherClient: holders.some((items) => items.some((i) => i.clientId !== clientId)) };
}
