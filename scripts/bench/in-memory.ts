/**
 * In-memory adapters for the warm CPU benchmark: the webhook and comparator use cases without I/O, so
 * the figure is our own logic (HMAC, parsing, validation, matching, decision), nothing else.
 */
import type {
  DecisionWrite,
  EventPublisher,
  NewResult,
  OutboxEvent,
  Verification,
  VerificationRepository,
  WorkQueue,
} from '../../functions/app/model';
import type { SessionResult, SessionRole } from '../../functions/domain/types';

const unused = (name: string) => () => {
  throw new Error(`${name} is not used by the benchmarked paths`);
};

export class InMemoryRepository {
  readonly verifications = new Map<string, Verification>();
  readonly stored = new Map<string, Map<SessionRole, SessionResult & { digests: Set<string> }>>();
  readonly sessions = new Map<string, { verificationId: string; role: SessionRole }>();

  add(v: Verification): void {
    this.verifications.set(v.verificationId, structuredClone(v));
    this.sessions.set(v.identity.scanRef, { verificationId: v.verificationId, role: 'IDENTITY' });
    if (v.document)
      this.sessions.set(v.document.scanRef, { verificationId: v.verificationId, role: 'DOCUMENT' });
  }

  async get(id: string) {
    const v = this.verifications.get(id);
    return v ? structuredClone(v) : undefined;
  }

  async findSession(scanRef: string) {
    return this.sessions.get(scanRef);
  }

  async recordResult(id: string, r: NewResult) {
    const session = this.sessions.get(r.scanRef);
    if (!session || session.verificationId !== id) return { outcome: 'unknown' as const, resultVersion: 0 };
    const role = session.role;
    const byRole = this.stored.get(id) ?? new Map();
    this.stored.set(id, byRole);
    const stored = byRole.get(role);
    if (stored?.digests.has(r.digest))
      return { outcome: 'duplicate' as const, resultVersion: stored.resultVersion };
    if (stored?.final && !r.final)
      return { outcome: 'superseded' as const, resultVersion: stored.resultVersion };
    const { digest, receivedAt: _r, ...fields } = r;
    const resultVersion = (stored?.resultVersion ?? 0) + 1;
    byRole.set(role, {
      ...fields,
      role,
      resultVersion,
      digests: new Set([...(stored?.digests ?? []), digest]),
    });
    return { outcome: 'recorded' as const, resultVersion };
  }

  async resultsOf(id: string): Promise<SessionResult[]> {
    return [...(this.stored.get(id)?.values() ?? [])].map(({ digests: _d, ...r }) => r);
  }

  async saveDecision(id: string, expectedVersion: number, d: DecisionWrite) {
    const v = this.verifications.get(id);
    if (!v || v.version !== expectedVersion) throw new Error('version conflict');
    Object.assign(v, { ...d, version: d.outbox.version, updatedAt: d.decidedAt });
    return structuredClone(v);
  }

  async claimOutbox() {
    return true;
  }

  async releaseOutbox() {}

  /** digest → verification id → client id */
  private readonly bindings = new Map<string, Map<string, string>>();

  async bindDocuments(id: string, clientId: string, digests: string[]) {
    let otherClient = false;
    for (const digest of digests) {
      const bound = this.bindings.get(digest) ?? new Map<string, string>();
      bound.set(id, clientId);
      this.bindings.set(digest, bound);
      if ([...bound.values()].some((c) => c !== clientId)) otherClient = true;
    }
    return { otherClient };
  }

  async markPublished(id: string, version: number) {
    const v = this.verifications.get(id);
    if (v) v.publishedVersion = version;
  }

  /** The repository port as the use cases see it. */
  asPort(): VerificationRepository {
    return {
      get: (id) => this.get(id),
      findSession: (s) => this.findSession(s),
      recordResult: (id, r) => this.recordResult(id, r),
      results: (id) => this.resultsOf(id),
      saveDecision: (id, v, d) => this.saveDecision(id, v, d),
      claimOutbox: () => this.claimOutbox(),
      releaseOutbox: () => this.releaseOutbox(),
      markPublished: (id, v) => this.markPublished(id, v),
      bindDocuments: async (id, clientId, digests) => this.bindDocuments(id, clientId, digests),
      snapshot: async (id) => {
        const verification = await this.get(id);
        return verification ? { verification, results: await this.resultsOf(id), audit: [] } : undefined;
      },
      listByClient: unused('listByClient'),
      pendingForClient: unused('pendingForClient'),
      claimStart: unused('claimStart'),
      releaseStart: unused('releaseStart'),
      create: unused('create'),
      claimDocumentSession: unused('claimDocumentSession'),
      releaseDocumentSession: unused('releaseDocumentSession'),
      attachDocumentSession: unused('attachDocumentSession'),
      saveReview: unused('saveReview'),
      saveExpiringNotice: unused('saveExpiringNotice'),
      saveProviderResultChange: unused('saveProviderResultChange'),
      reschedule: unused('reschedule'),
      markReconciled: unused('markReconciled'),
      dueForSweep: unused('dueForSweep'),
      erase: unused('erase'),
      saveErasureProgress: unused('saveErasureProgress'),
    };
  }
}

export const nullQueue: WorkQueue = { send: async () => {} };
export const nullPublisher: EventPublisher = { publish: async (_e: OutboxEvent) => {} };
