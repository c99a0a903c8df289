/**
 * In-memory adapters: the whole repository port with DynamoDB's conditions kept (version checks,
 * claims and leases, monotonic results, erasure tombstones), plus fakes for iDenfy, the queue and the
 * bus. Use cases run on them in microseconds, so every branch gets a fast test; `pause(point)` lets a
 * test run another request at an exact point between a read and a write (an interleaving).
 * The warm-CPU benchmark runs on them too.
 */
import type {
  AuditEntry,
  DecisionWrite,
  DocumentBinding,
  Erasure,
  FirstApproval,
  Lease,
  NewResult,
  OutboxClaim,
  OutboxEvent,
  ProviderResultChange,
  ReviewWrite,
  SessionRef,
  StartSlot,
  Verification,
} from '../functions/app/model';
import { sessionsOf } from '../functions/app/model';
import type { VerificationRepository } from '../functions/app/ports/repository';
import type { EventPublisher, IdenfyApi, TokenRequest, WorkQueue } from '../functions/app/ports/services';
import { InvalidCursor, PublishRefused, StartConflict, VersionConflict } from '../functions/app/store-errors';
import type { SessionResult, SessionRole } from '../functions/domain/types';

type Stored = Verification & {
  outboxClaim?: OutboxClaim;
  documentClaim?: Lease & { minted?: SessionRef };
  boundDocuments?: Set<string>;
  bindingVersion?: number;
  sweepAt?: string;
};

interface Slot {
  role: SessionRole;
  result?: SessionResult & { digests: Set<string> };
  erased?: boolean;
}

/** A point in a repository method where a test may run something else first (see `pause`). */
export type Point = 'erase:after-read' | 'saveDecision:before' | 'saveReview:before' | 'bind:after-write';

const clone = <T>(v: T): T => structuredClone(v);

/** The verification as the DynamoDB adapter returns it: storage plumbing left out, `sweepAt` kept. */
function strip(s: Stored): Verification {
  const { outboxClaim: _c, documentClaim: _d, boundDocuments: _b, bindingVersion: _v, ...v } = s;
  return clone(v);
}

export class InMemoryRepository implements VerificationRepository {
  readonly verifications = new Map<string, Stored>();
  readonly slots = new Map<string, Map<string, Slot>>();
  readonly sessionIndex = new Map<string, { verificationId: string; role: SessionRole }>();
  readonly audit = new Map<string, AuditEntry[]>();
  readonly startSlots = new Map<string, StartSlot>();
  /** digest → verification id → client id */
  readonly bindings = new Map<string, Map<string, string>>();
  private readonly hooks = new Map<Point, () => Promise<void>>();

  /** Runs `fn` once, the next time a method reaches `point` (before it goes on). */
  pause(point: Point, fn: () => Promise<void>): void {
    this.hooks.set(point, fn);
  }

  private async at(point: Point): Promise<void> {
    const fn = this.hooks.get(point);
    if (!fn) return;
    this.hooks.delete(point);
    await fn();
  }

  /** Seeds a verification with its sessions' slots (as `create` would, without a claim). */
  add(v: Verification): void {
    this.verifications.set(v.verificationId, clone(v));
    for (const s of sessionsOf(v)) this.addSlot(v.verificationId, s.scanRef, s.role);
    this.startSlots.set(v.clientId, { verificationId: v.verificationId });
  }

  private addSlot(id: string, scanRef: string, role: SessionRole): void {
    if (this.sessionIndex.has(scanRef)) throw new StartConflict();
    this.sessionIndex.set(scanRef, { verificationId: id, role });
    const slots = this.slots.get(id) ?? new Map<string, Slot>();
    slots.set(scanRef, { role });
    this.slots.set(id, slots);
  }

  /** Every text the store holds for a verification: what a leak would be found in. */
  textOf(id: string): string {
    const slots = [...(this.slots.get(id)?.values() ?? [])].map((s) => ({
      ...s,
      result: s.result ? { ...s.result, digests: [...s.result.digests] } : undefined,
    }));
    const v = this.verifications.get(id);
    return JSON.stringify({
      v: v ? { ...v, boundDocuments: [...(v.boundDocuments ?? [])] } : null,
      slots,
      audit: this.audit.get(id) ?? [],
      bindings: [...this.bindings.entries()].filter(([, m]) => m.has(id)).map(([d]) => d),
    });
  }

  async get(id: string) {
    const v = this.verifications.get(id);
    return v ? strip(v) : undefined;
  }

  async snapshot(id: string) {
    const v = this.verifications.get(id);
    if (!v) return undefined;
    return {
      verification: strip(v),
      results: await this.results(id),
      audit: clone(this.audit.get(id) ?? []),
      boundDocuments: [...(v.boundDocuments ?? [])],
      ...(v.documentClaim ? { documentClaim: clone(v.documentClaim) } : {}),
    };
  }

  async listByClient(clientId: string, limit: number, after?: Record<string, unknown>) {
    const all = [...this.verifications.values()]
      .filter((v) => v.clientId === clientId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    let start = 0;
    if (after !== undefined) {
      const i = all.findIndex((v) => v.verificationId === after.id);
      if (i < 0) throw new InvalidCursor();
      start = i + 1;
    }
    const items = all.slice(start, start + limit).map(strip);
    const last = items.at(-1);
    return { items, next: start + limit < all.length && last ? { id: last.verificationId } : undefined };
  }

  async listForReview(limit: number, after?: Record<string, unknown>) {
    const key = (v: Verification) => `${v.decidedAt}#${v.verificationId}`;
    const waiting = [...this.verifications.values()]
      .filter((v) => v.status === 'REQUIRES_REVIEW' && !v.erasure)
      .sort((a, b) => key(a).localeCompare(key(b)));
    if (after !== undefined && typeof after.reviewAt !== 'string') throw new InvalidCursor();
    const rest = after === undefined ? waiting : waiting.filter((v) => key(v) > String(after.reviewAt));
    const items = rest.slice(0, limit).map(strip);
    const last = items.at(-1);
    return { items, next: rest.length > limit && last ? { reviewAt: key(last) } : undefined };
  }

  async pendingForClient(clientId: string) {
    const slot = this.startSlots.get(clientId);
    return slot ? clone(slot) : undefined;
  }

  async claimStart(clientId: string, claim: Lease, seen: StartSlot | undefined, now: Date) {
    const current = this.startSlots.get(clientId);
    // Its own claim, written by an attempt whose answer was lost: taken.
    if (current?.claim?.id === claim.id) return true;
    const asRead =
      seen === undefined
        ? current === undefined
        : seen.claim
          ? current?.claim?.id === seen.claim.id && current.claim.until < now.getTime()
          : current?.verificationId === seen.verificationId;
    if (!asRead) return false;
    this.startSlots.set(clientId, { claim: clone(claim) });
    return true;
  }

  async releaseStart(clientId: string, claimId: string) {
    if (this.startSlots.get(clientId)?.claim?.id === claimId) this.startSlots.delete(clientId);
  }

  async stashStart(clientId: string, claimId: string, minted: Verification) {
    const slot = this.startSlots.get(clientId);
    if (slot?.claim?.id !== claimId) return false;
    slot.claim.minted = clone(minted);
    return true;
  }

  async stashDocumentSession(id: string, claimId: string, minted: SessionRef) {
    const v = this.verifications.get(id);
    if (v?.documentClaim?.id !== claimId || v.document) return false;
    v.documentClaim = { ...v.documentClaim, minted: clone(minted) };
    return true;
  }

  async create(v: Verification, claimId: string, _retentionDays: number, sweepAt: string) {
    if (this.startSlots.get(v.clientId)?.claim?.id !== claimId) throw new StartConflict();
    if (this.verifications.has(v.verificationId)) throw new StartConflict();
    for (const s of sessionsOf(v)) if (this.sessionIndex.has(s.scanRef)) throw new StartConflict();
    this.verifications.set(v.verificationId, { ...clone(v), sweepAt });
    for (const s of sessionsOf(v)) this.addSlot(v.verificationId, s.scanRef, s.role);
    this.startSlots.set(v.clientId, { verificationId: v.verificationId });
  }

  async claimDocumentSession(id: string, identityScanRef: string, claim: Lease, now: Date) {
    const v = this.verifications.get(id);
    if (v?.status !== 'PENDING' || v.document || v.erasure) return false;
    if (v.documentClaim && v.documentClaim.until >= now.getTime()) return false;
    if (this.slots.get(id)?.get(identityScanRef)?.result?.overall === 'DENIED') return false;
    v.documentClaim = clone(claim);
    v.identityReturn ??= 'success';
    return true;
  }

  async markIdentityReturned(id: string, outcome: 'error' | 'unverified') {
    const v = this.verifications.get(id);
    if (v) v.identityReturn ??= outcome;
  }

  async releaseDocumentSession(id: string, claimId: string) {
    const v = this.verifications.get(id);
    if (v?.documentClaim?.id === claimId) delete v.documentClaim;
  }

  async attachDocumentSession(
    id: string,
    session: SessionRef,
    claimId: string,
    _days: number,
    sweepAt: string,
  ) {
    const v = this.verifications.get(id);
    const ok = v && !v.document && v.documentClaim?.id === claimId && v.status === 'PENDING' && !v.erasure;
    if (!ok || this.sessionIndex.has(session.scanRef)) {
      if (v?.document) return clone(v.document);
      throw new Error('TransactionCanceled');
    }
    v.document = clone(session);
    v.updatedAt = session.createdAt;
    v.sweepAt = sweepAt;
    delete v.documentClaim;
    this.addSlot(id, session.scanRef, 'DOCUMENT');
    return clone(session);
  }

  async findSession(scanRef: string) {
    return this.sessionIndex.get(scanRef);
  }

  async recordResult(id: string, r: NewResult) {
    const slot = this.slots.get(id)?.get(r.scanRef);
    if (!slot) return { outcome: 'unknown' as const, resultVersion: 0 };
    const stored = slot.result;
    if (slot.erased) return { outcome: 'erased' as const, resultVersion: stored?.resultVersion ?? 0 };
    if (stored?.digests.has(r.digest))
      return { outcome: 'duplicate' as const, resultVersion: stored.resultVersion };
    if (stored?.final && !r.final)
      return { outcome: 'superseded' as const, resultVersion: stored.resultVersion };
    const { digest, receivedAt: _r, ...fields } = r;
    const resultVersion = (stored?.resultVersion ?? 0) + 1;
    slot.result = {
      ...clone(fields),
      role: slot.role,
      resultVersion,
      digests: new Set([...(stored?.digests ?? []), digest]),
    };
    return { outcome: 'recorded' as const, resultVersion };
  }

  async results(id: string): Promise<SessionResult[]> {
    return [...(this.slots.get(id)?.values() ?? [])].flatMap((s) => {
      if (!s.result) return [];
      const { digests: _d, ...r } = s.result;
      return [clone(r)];
    });
  }

  async bindDocuments(id: string, clientId: string, documents: DocumentBinding[]) {
    const v = this.verifications.get(id);
    if (!v || v.erasure) throw new VersionConflict();
    const unique = [...new Set(documents.map((d) => d.digest))];
    if (unique.length === 0) return { otherClient: false };
    v.boundDocuments = new Set([...(v.boundDocuments ?? []), ...unique]);
    v.bindingVersion = (v.bindingVersion ?? 0) + 1;
    for (const digest of unique) {
      const bound = this.bindings.get(digest) ?? new Map<string, string>();
      bound.set(id, clientId);
      this.bindings.set(digest, bound);
    }
    await this.at('bind:after-write');
    const lookups = documents.flatMap((d) => [d.digest, ...(d.legacyDigest ? [d.legacyDigest] : [])]);
    const otherClient = lookups.some((d) =>
      [...(this.bindings.get(d)?.values() ?? [])].some((c) => c !== clientId),
    );
    return { otherClient };
  }

  async saveDecision(id: string, expectedVersion: number, d: DecisionWrite) {
    await this.at('saveDecision:before');
    const v = this.verifications.get(id);
    const documentAsRead =
      d.expectedDocumentScanRef === null ? !v?.document : v?.document?.scanRef === d.expectedDocumentScanRef;
    if (!v || v.version !== expectedVersion || !documentAsRead) throw new VersionConflict();
    const { expectedDocumentScanRef: _e, sweepAt, claim, documentExpiresOn, ...fields } = clone(d);
    Object.assign(v, fields, {
      version: d.outbox.version,
      updatedAt: d.decidedAt,
      outboxClaim: claim,
      sweepAt,
    });
    if (documentExpiresOn) v.documentExpiresOn = documentExpiresOn;
    return strip(v);
  }

  async saveProviderResultChange(
    id: string,
    expectedVersion: number,
    change: ProviderResultChange,
    outbox: OutboxEvent,
    sweepAt: string,
    claim: OutboxClaim,
  ) {
    const v = this.verifications.get(id);
    if (!v || v.version !== expectedVersion || v.erasure) throw new VersionConflict();
    v.providerResultChanged = [...(v.providerResultChanged ?? []), clone(change)];
    Object.assign(v, {
      outbox: clone(outbox),
      version: outbox.version,
      updatedAt: change.at,
      outboxClaim: claim,
      sweepAt,
    });
    return strip(v);
  }

  async saveExpiringNotice(
    id: string,
    expectedVersion: number,
    outbox: OutboxEvent,
    notifiedAt: string,
    sweepAt: string,
    claim: OutboxClaim,
  ) {
    const v = this.verifications.get(id);
    if (!v || v.version !== expectedVersion || v.status !== 'VERIFIED' || v.expiringNotifiedAt || v.erasure)
      throw new VersionConflict();
    Object.assign(v, {
      outbox: clone(outbox),
      version: outbox.version,
      expiringNotifiedAt: notifiedAt,
      sweepAt,
      outboxClaim: claim,
    });
    return strip(v);
  }

  async saveReview(id: string, expectedVersion: number, r: ReviewWrite, audit: AuditEntry) {
    await this.at('saveReview:before');
    const v = this.verifications.get(id);
    if (!v || v.version !== expectedVersion || v.status !== 'REQUIRES_REVIEW' || v.erasure)
      throw new VersionConflict();
    Object.assign(v, {
      status: r.status,
      reasons: r.reasons,
      updatedAt: r.updatedAt,
      outbox: clone(r.outbox),
      version: r.outbox.version,
      outboxClaim: r.claim,
      sweepAt: r.sweepAt,
    });
    this.audit.set(id, [...(this.audit.get(id) ?? []), clone(audit)]);
  }

  async saveFirstApproval(id: string, expectedVersion: number, approval: FirstApproval, audit: AuditEntry) {
    await this.at('saveReview:before');
    const v = this.verifications.get(id);
    if (!v || v.version !== expectedVersion || v.status !== 'REQUIRES_REVIEW' || v.erasure || v.firstApproval)
      throw new VersionConflict();
    Object.assign(v, {
      firstApproval: clone(approval),
      updatedAt: approval.at,
      version: expectedVersion + 1,
    });
    this.audit.set(id, [...(this.audit.get(id) ?? []), clone(audit)]);
  }

  async erase(id: string, erasure: Erasure, audit: AuditEntry) {
    const read = this.verifications.get(id);
    if (!read) return 'refused' as const;
    const version = read.version;
    const bindingVersion = read.bindingVersion;
    const notes = (this.audit.get(id) ?? []).length;
    await this.at('erase:after-read');
    const v = this.verifications.get(id);
    if (!v || v.erasure || v.status === 'PENDING') return 'refused' as const;
    if (v.version !== version || v.bindingVersion !== bindingVersion) return 'changed' as const;
    if ((this.audit.get(id) ?? []).length !== notes) return 'changed' as const;
    const { claimed: _c, report: _r, documentExpiresOn: _e, reviewingUntil: _u, boundDocuments, ...rest } = v;
    // As the DynamoDB adapter does: the claimed data and the report are removed, not emptied.
    const erased = { ...rest, erasure: clone(erasure), updatedAt: erasure.requestedAt } as Stored;
    delete (erased as Partial<Stored>).report;
    this.verifications.set(id, erased);
    for (const digest of boundDocuments ?? []) this.bindings.get(digest)?.delete(id);
    for (const scanRef of Object.keys(erasure.idenfy)) {
      const slot = this.slots.get(id)?.get(scanRef);
      if (!slot) continue;
      slot.erased = true;
      if (slot.result) {
        slot.result.document = {};
        slot.result.digests = new Set();
        slot.result.additionalStep = null;
        slot.result.proofOfAddress = null;
      }
    }
    this.audit.set(id, [
      ...(this.audit.get(id) ?? []).map((a) => (a.note == null ? a : { ...a, note: null })),
      clone(audit),
    ]);
    return 'erased' as const;
  }

  async saveErasureProgress(id: string, erasure: Erasure) {
    const v = this.verifications.get(id);
    if (!v?.erasure) throw new Error('ConditionalCheckFailed');
    v.erasure = clone(erasure);
  }

  async claimOutbox(id: string, version: number, runId: string, now: Date, leaseMs: number) {
    const v = this.verifications.get(id);
    if (!v || (v.publishedVersion ?? 0) >= version) return false;
    if (v.outboxClaim && v.outboxClaim.until >= now.getTime() && v.outboxClaim.runId !== runId) return false;
    v.outboxClaim = { runId, until: now.getTime() + leaseMs };
    return true;
  }

  async releaseOutbox(id: string, runId: string) {
    const v = this.verifications.get(id);
    if (v?.outboxClaim?.runId === runId) delete v.outboxClaim;
  }

  async markPublished(id: string, version: number, nextDue: string | null) {
    const v = this.verifications.get(id);
    if (!v || (v.publishedVersion ?? 0) >= version || v.outbox?.version !== version) return;
    v.publishedVersion = version;
    delete v.outboxClaim;
    if (nextDue === null) delete v.sweepAt;
    else v.sweepAt = nextDue;
  }

  async reschedule(id: string, seen: string | undefined, next: string | null) {
    const v = this.verifications.get(id);
    if (!v || v.sweepAt !== seen) return;
    if (next === null) delete v.sweepAt;
    else v.sweepAt = next;
  }

  async markReconciled(id: string, scanRef: string, reviewingUntil?: string) {
    const v = this.verifications.get(id);
    if (!v) throw new Error('ConditionalCheckFailed');
    v.reconciled = [...new Set([...(v.reconciled ?? []), scanRef])];
    if (reviewingUntil) v.reviewingUntil = reviewingUntil;
  }

  async dueForSweep(now: Date, limit: number) {
    const due = [...this.verifications.values()]
      .filter((v) => v.sweepAt !== undefined && v.sweepAt <= now.toISOString())
      .sort((a, b) => (a.sweepAt ?? '').localeCompare(b.sweepAt ?? ''))
      .slice(0, limit)
      .map((v) => v.verificationId);
    return { items: due };
  }
}

/** iDenfy as a fake: tokens counted, each call optionally slow or failing. */
export class FakeIdenfy implements IdenfyApi {
  readonly tokens: TokenRequest[] = [];
  delayMs = 0;
  /** Thrown by the next createToken calls, in order. */
  readonly failures: Error[] = [];
  statuses = new Map<string, string>();
  readonly statusCalls: string[] = [];

  async createToken(request: TokenRequest) {
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.tokens.push(request);
    const n = this.tokens.length;
    return {
      scanRef: `scan-${n}`,
      authToken: `token-${n}`,
      redirectUrl: `https://idenfy.test/redirect?authToken=token-${n}`,
    };
  }

  async sessionStatus(scanRef: string) {
    this.statusCalls.push(scanRef);
    return { status: this.statuses.get(scanRef) ?? 'ACTIVE', fraudTags: [], mismatchTags: [] };
  }

  async deleteSession() {
    return 'deleted' as const;
  }
}

/** The bus as a fake: what was published, and a switch to make the next publishes fail. */
export class FakePublisher implements EventPublisher {
  readonly published: OutboxEvent[] = [];
  /** The next publishes fail with an unknown outcome (a lost answer, a 5xx). */
  failNext = 0;
  /** The next publishes are refused by the bus (FailedEntryCount: certainly not published). */
  refuseNext = 0;

  async publish(event: OutboxEvent) {
    if (this.refuseNext > 0) {
      this.refuseNext -= 1;
      throw new PublishRefused('InternalFailure');
    }
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('PutEvents failed');
    }
    this.published.push(clone(event));
  }
}

export class FakeQueue implements WorkQueue {
  readonly sent: { verificationId: string; deduplicationId: string }[] = [];

  async send(verificationId: string, deduplicationId: string) {
    this.sent.push({ verificationId, deduplicationId });
  }
}

/** A clock tests move by hand; each read may also step it (so a use case's waits end at once). */
export class FakeClock {
  constructor(
    private ms: number,
    private readonly stepMs = 0,
  ) {}

  now = (): Date => {
    const d = new Date(this.ms);
    this.ms += this.stepMs;
    return d;
  };

  advance(ms: number): void {
    this.ms += ms;
  }
}
