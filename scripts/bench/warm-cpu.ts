/**
 * Warm CPU per request of our own logic, with in-memory adapters (no I/O): the webhook use case (HMAC
 * over the raw body, JSON parse, validation, digest, monotonic record) and the comparator's decision
 * (name matching, policy, outbox), beside iDenfy's Express recipe (`JSON.parse` of the body and `===`
 * on three fields, the seed guide's snippet) on the same payloads.
 */
import { finaliseVerification } from '../../functions/app/finalise-verification';
import type { Verification } from '../../functions/app/model';
import { recordWebhook } from '../../functions/app/record-webhook';
import { DEFAULT_POLICY } from '../../functions/domain/policy';
import { signBody } from '../../functions/shared/signature';
import type { SimSession } from '../../local/simulator/simulator';
import { buildWebhook } from '../../local/simulator/webhook-payload';
import { FakePublisher, FakeQueue, InMemoryRepository } from '../../tools/in-memory';

export interface WarmCpuRow {
  what: string;
  microsPerRequest: number;
}

const KEY = 'bench-signing-key';

function session(scanRef: string, verificationId: string, tokenType: string): SimSession {
  return {
    scanRef,
    authToken: 'x',
    clientId: `c-${verificationId}`,
    tokenType,
    externalRef: verificationId,
    callbackUrl: null,
    successUrl: 'https://x.example/s',
    errorUrl: 'https://x.example/e',
    unverifiedUrl: 'https://x.example/u',
    createdAt: new Date().toISOString(),
    state: 'ACTIVE',
    secondDocument: tokenType === 'DOCUMENT',
    request: {
      firstName: 'JÜRGEN',
      lastName: 'MÜLLER-LÜDENSCHEIDT',
      dateOfBirth: '1985-03-02',
      // As the token use cases ask: identity documents for the identity step, the permit for the second.
      documents: tokenType === 'IDENTIFICATION' ? ['PASSPORT', 'ID_CARD'] : ['RESIDENCE_PERMIT'],
    },
    webhooks: [],
    webhookEventTypes: [],
  };
}

function cpuMicros(work: () => void | Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  return Promise.resolve(work()).then(() => {
    const d = process.cpuUsage(before);
    return d.user + d.system;
  });
}

export async function measureWarmCpu(n: number): Promise<WarmCpuRow[]> {
  const repo = new InMemoryRepository();
  const bodies: { body: string; signature: string }[] = [];
  const now = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const id = `v${i}`;
    const v: Verification = {
      verificationId: id,
      // One client: the simulated documents default to one number per client and role, so
      // distinct clients would share documents and (rightly) go to review.
      clientId: 'bench-client',
      method: 'TWO_SESSIONS',
      status: 'PENDING',
      reasons: [],
      claimed: { firstName: 'Jürgen', lastName: 'Müller-Lüdenscheidt', dateOfBirth: '1985-03-02' },
      documentTypes: ['RESIDENCE_PERMIT'],
      finalUrls: {
        successUrl: 'https://x.example/s',
        errorUrl: 'https://x.example/e',
        unverifiedUrl: 'https://x.example/u',
      },
      identity: { scanRef: `${id}-i`, authToken: 'a', redirectUrl: 'https://x.example/r', createdAt: now },
      document: { scanRef: `${id}-d`, authToken: 'b', redirectUrl: 'https://x.example/r', createdAt: now },
      version: 0,
      createdAt: now,
      updatedAt: now,
      expiresAt: now,
    };
    repo.add(v);
    for (const [scanRef, type] of [
      [`${id}-i`, 'IDENTIFICATION'],
      [`${id}-d`, 'DOCUMENT'],
    ] as const) {
      const body = JSON.stringify(
        buildWebhook(session(scanRef, id, type), { overall: 'APPROVED' }, true, false),
      );
      bodies.push({ body, signature: signBody(body, KEY) });
    }
  }
  const deps = {
    repo,
    queue: new FakeQueue(),
    signingKey: KEY,
    documentHashKey: 'bench-document-hash-key-of-32-characters',
    now: () => new Date(),
    retentionDays: 90,
  };
  const webhookCpu = await cpuMicros(async () => {
    for (const b of bodies) {
      await recordWebhook(Buffer.from(b.body), b.signature, 'IDENTIFICATION_AUTO_FINISHED', deps);
    }
  });
  const finaliseDeps = {
    repo,
    publisher: new FakePublisher(),
    policy: DEFAULT_POLICY,
    now: () => new Date(),
    runId: 'bench',
    noticeDays: 30,
    retentionDays: 90,
  };
  const decisionCpu = await cpuMicros(async () => {
    for (let i = 0; i < n; i++) {
      const outcome = await finaliseVerification(`v${i}`, finaliseDeps);
      if (outcome !== 'decided') throw new Error(`v${i}: ${outcome}`);
    }
  });
  const verified = [...repo.verifications.values()].filter((v) => v.status === 'VERIFIED').length;
  if (verified !== n)
    throw new Error(`only ${verified}/${n} verified: ${[...repo.verifications.values()][0]?.reasons}`);

  // iDenfy's recipe: parse each body, keep it in memory by clientId, compare three fields with ===.
  const recipe: Record<
    string,
    { identity?: { data: Record<string, unknown> }; document?: { data: Record<string, unknown> } }
  > = {};
  let matches = 0;
  const recipeCpu = await cpuMicros(() => {
    for (const b of bodies) {
      const payload = JSON.parse(b.body);
      recipe[payload.clientId] ??= {};
      const entry = recipe[payload.clientId] as NonNullable<(typeof recipe)[string]>;
      if (String(payload.scanRef).endsWith('-i')) entry.identity = payload;
      else entry.document = payload;
      if (entry.identity && entry.document) {
        const a = entry.identity.data;
        const d = entry.document.data;
        if (a.docFirstName === d.docFirstName && a.docLastName === d.docLastName && a.docDob === d.docDob)
          matches++;
      }
    }
  });
  if (matches !== n) throw new Error('recipe baseline did not match');
  return [
    {
      what: 'webhook use case (HMAC, parse, validate, record)',
      microsPerRequest: webhookCpu / bodies.length,
    },
    { what: 'comparator decision (match, decide, outbox)', microsPerRequest: decisionCpu / n },
    {
      what: "iDenfy's Express recipe (JSON.parse + ===), per webhook",
      microsPerRequest: recipeCpu / bodies.length,
    },
  ];
}
