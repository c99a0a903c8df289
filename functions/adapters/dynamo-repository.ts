/**
 * The DynamoDB single-table repository: one class that implements the use cases' port, each method
 * delegating to the module of its concern (`dynamo/`): verifications and decisions, sessions and
 * results, reviews and audit, erasure, outbox, lists and the sweep. The table's layout is described in
 * `dynamo/table.ts`; each conditional write and what guards it is read in one place in its module.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { VerificationRepository } from '../app/ports/repository';
import * as erasure from './dynamo/erasure';
import * as lists from './dynamo/lists';
import * as outbox from './dynamo/outbox';
import * as reviews from './dynamo/reviews';
import * as sessions from './dynamo/sessions';
import type { Table } from './dynamo/table';
import * as verifications from './dynamo/verifications';

export { CLIENT_INDEX, REVIEW_INDEX, SWEEP_INDEX } from './dynamo/table';

export class DynamoVerificationRepository implements VerificationRepository {
  private readonly t: Table;

  constructor(client: DynamoDBClient, tableName: string) {
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.t = { doc, tableName };
  }

  get: VerificationRepository['get'] = (...a) => verifications.get(this.t, ...a);
  snapshot: VerificationRepository['snapshot'] = (...a) => verifications.snapshot(this.t, ...a);
  pendingForClient: VerificationRepository['pendingForClient'] = (...a) =>
    verifications.pendingForClient(this.t, ...a);
  claimStart: VerificationRepository['claimStart'] = (...a) => verifications.claimStart(this.t, ...a);
  releaseStart: VerificationRepository['releaseStart'] = (...a) => verifications.releaseStart(this.t, ...a);
  stashStart: VerificationRepository['stashStart'] = (...a) => verifications.stashStart(this.t, ...a);
  create: VerificationRepository['create'] = (...a) => verifications.create(this.t, ...a);
  saveDecision: VerificationRepository['saveDecision'] = (...a) => verifications.saveDecision(this.t, ...a);
  saveProviderResultChange: VerificationRepository['saveProviderResultChange'] = (...a) =>
    verifications.saveProviderResultChange(this.t, ...a);
  saveExpiringNotice: VerificationRepository['saveExpiringNotice'] = (...a) =>
    verifications.saveExpiringNotice(this.t, ...a);
  claimDocumentSession: VerificationRepository['claimDocumentSession'] = (...a) =>
    sessions.claimDocumentSession(this.t, ...a);
  markIdentityReturned: VerificationRepository['markIdentityReturned'] = (...a) =>
    sessions.markIdentityReturned(this.t, ...a);
  stashDocumentSession: VerificationRepository['stashDocumentSession'] = (...a) =>
    sessions.stashDocumentSession(this.t, ...a);
  releaseDocumentSession: VerificationRepository['releaseDocumentSession'] = (...a) =>
    sessions.releaseDocumentSession(this.t, ...a);
  attachDocumentSession: VerificationRepository['attachDocumentSession'] = (...a) =>
    sessions.attachDocumentSession(this.t, ...a);
  findSession: VerificationRepository['findSession'] = (...a) => sessions.findSession(this.t, ...a);
  recordResult: VerificationRepository['recordResult'] = (...a) => sessions.recordResult(this.t, ...a);
  results: VerificationRepository['results'] = (...a) => sessions.results(this.t, ...a);
  bindDocuments: VerificationRepository['bindDocuments'] = (...a) => sessions.bindDocuments(this.t, ...a);
  saveReview: VerificationRepository['saveReview'] = (...a) => reviews.saveReview(this.t, ...a);
  saveFirstApproval: VerificationRepository['saveFirstApproval'] = (...a) =>
    reviews.saveFirstApproval(this.t, ...a);
  erase: VerificationRepository['erase'] = (...a) => erasure.erase(this.t, ...a);
  saveErasureProgress: VerificationRepository['saveErasureProgress'] = (...a) =>
    erasure.saveErasureProgress(this.t, ...a);
  claimOutbox: VerificationRepository['claimOutbox'] = (...a) => outbox.claimOutbox(this.t, ...a);
  releaseOutbox: VerificationRepository['releaseOutbox'] = (...a) => outbox.releaseOutbox(this.t, ...a);
  markPublished: VerificationRepository['markPublished'] = (...a) => outbox.markPublished(this.t, ...a);
  listByClient: VerificationRepository['listByClient'] = (...a) => lists.listByClient(this.t, ...a);
  listForReview: VerificationRepository['listForReview'] = (...a) => lists.listForReview(this.t, ...a);
  reschedule: VerificationRepository['reschedule'] = (...a) => lists.reschedule(this.t, ...a);
  markReconciled: VerificationRepository['markReconciled'] = (...a) => lists.markReconciled(this.t, ...a);
  dueForSweep: VerificationRepository['dueForSweep'] = (...a) => lists.dueForSweep(this.t, ...a);
}
