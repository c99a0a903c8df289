/**
 * Drives many verifications through a running local system over HTTP, with duplicated and reordered
 * webhooks and bounded concurrency, then checks every verification is final with exactly one event.
 * Used by `npm run load` (1,000 by default) and by a small CI test. A check of correctness first;
 * the timings it prints are for this machine only.
 */
import { MultidocClient } from '../client';
import type { EventEnvelope } from '../local/subscriber';

export interface LoadOptions {
  apiUrl: string;
  simulatorUrl: string;
  /** The events the local subscriber has received so far (read, not consumed). */
  events: EventEnvelope[];
  verifications: number;
  concurrency: number;
  duplicateRate: number;
  reorderRate: number;
  timeoutMs?: number;
}

type Stage = 'start' | 'identity' | 'continue' | 'document' | 'decision';

export interface LoadReport {
  verifications: number;
  /** Client calls answered 5xx and retried, as a client must (locally: moto failing under concurrency). */
  retriedAfter5xx: number;
  seconds: number;
  perSecond: number;
  duplicated: number;
  reordered: number;
  notFinal: string[];
  /** Distinct events (eventIds) per verification. */
  eventCounts: { none: number; one: number; more: number };
  /** Deliveries of an eventId already delivered (at-least-once transport; subscribers dedupe). */
  redeliveredCopies: number;
  stages: Record<Stage, { p50: number; p99: number }>;
  /** Answers the client (start) and the browser (continue) got, by HTTP status, retries included. */
  answers: { start: Record<number, number>; continue: Record<number, number> };
  /** 409 answers without Retry-After (a client cannot know when to come back). */
  conflictsWithoutRetryAfter: number;
  /** iDenfy tokens per verification: how many had exactly one per session, and how many more. */
  tokens: { oneEach: number; more: number; missing: number };
}

async function call(
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; location: string | null; headers: Headers }> {
  const res = await fetch(url, {
    method,
    redirect: 'manual',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    // an HTML page (the continue link's "try again")
  }
  return { status: res.status, json, location: res.headers.get('location'), headers: res.headers };
}

/**
 * A browser's follow of the continue link: a 5xx or a 409 page is tried again (as its "Try again" button
 * does), after Retry-After where given; each answer is told to `onAnswer`.
 */
async function browserCall(
  url: string,
  onAnswer: (res: { status: number; headers: Headers }) => void,
  onRetry: () => void,
) {
  for (let attempt = 1; ; attempt++) {
    const res = await call('GET', url);
    onAnswer(res);
    if ((res.status < 500 && res.status !== 409) || attempt === 5) return res;
    onRetry();
    const after = Number(res.headers.get('retry-after') ?? '0');
    await new Promise((r) => setTimeout(r, after > 0 ? after * 1000 : 200 * attempt));
  }
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  // Spread evenly and exactly: every 1/rate-th verification (10% → every tenth).
  const every = (rate: number) => (rate > 0 ? Math.max(1, Math.round(1 / rate)) : Number.POSITIVE_INFINITY);
  const plan = Array.from({ length: o.verifications }, (_, i) => ({
    i,
    duplicate: i % every(o.duplicateRate) === 3 % every(o.duplicateRate),
    reorder: i % every(o.reorderRate) === 7 % every(o.reorderRate),
  }));
  const timings: Record<Stage, number[]> = {
    start: [],
    identity: [],
    continue: [],
    document: [],
    decision: [],
  };
  const ids: string[] = [];
  let retriedAfter5xx = 0;
  const retried = () => {
    retriedAfter5xx += 1;
  };
  const runId = Date.now().toString(36);
  const answers: LoadReport['answers'] = { start: {}, continue: {} };
  let conflictsWithoutRetryAfter = 0;
  const seen = (route: 'start' | 'continue', res: { status: number; headers: Headers }) => {
    answers[route][res.status] = (answers[route][res.status] ?? 0) + 1;
    if (res.status === 409 && !res.headers.get('retry-after')) conflictsWithoutRetryAfter += 1;
  };
  // The client routes through the typed client (it retries 429/503 as any client should); every answer is counted.
  const api = new MultidocClient({
    baseUrl: o.apiUrl,
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if (init?.method === 'POST' && String(input).endsWith('/verifications')) seen('start', res);
      return res;
    },
  });
  const sim = (path: string, body?: unknown) => call('POST', `${o.simulatorUrl}${path}`, body ?? {});

  /** Distinct eventIds per verification (subscribers dedupe on eventId: docs/architecture.md §4), and extra copies. */
  const eventsSeen = () => {
    const ids = new Map<string, Set<string>>();
    let copies = 0;
    for (const e of o.events) {
      const id = String(e.detail.verificationId);
      const seen = ids.get(id) ?? new Set<string>();
      if (seen.has(String(e.detail.eventId))) copies += 1;
      seen.add(String(e.detail.eventId));
      ids.set(id, seen);
    }
    return { counts: new Map([...ids].map(([id, s]) => [id, s.size])), copies };
  };

  async function one(p: (typeof plan)[number]) {
    const clientId = `load-${runId}-${p.i}`;
    let t = performance.now();
    const lap = (stage: Stage) => {
      const now = performance.now();
      timings[stage].push(now - t);
      t = now;
    };
    const started = await api.start({ clientId, firstName: 'Load', lastName: 'Tester' });
    if (!started.created) throw new Error(`start ${clientId}: an earlier verification came back`);
    const { verificationId } = started.verification;
    ids.push(verificationId);
    lap('start');
    type SimSession = { scanRef: string; tokenType: string };
    const listSessions = async () =>
      (await call('GET', `${o.simulatorUrl}/simulator/sessions?clientId=${clientId}`))
        .json as unknown as SimSession[];
    const identity = (await listSessions())[0]?.scanRef ?? '';
    // Reordered: the identity result is held back and delivered after the document's.
    const identityDone = await sim(`/simulator/sessions/${identity}/complete`, { deliver: !p.reorder });
    lap('identity');
    const cont = await browserCall(
      String(identityDone.json.redirectTo),
      (res) => seen('continue', res),
      retried,
    );
    if (cont.status !== 302) throw new Error(`continue ${clientId}: ${cont.status}`);
    lap('continue');
    const all = await listSessions();
    const document = all.find((s) => s.tokenType === 'DOCUMENT')?.scanRef ?? '';
    await sim(`/simulator/sessions/${document}/complete`);
    if (p.reorder) await sim(`/simulator/sessions/${identity}/deliver`);
    if (p.duplicate) {
      await sim(`/simulator/sessions/${document}/deliver`);
      await sim(`/simulator/sessions/${identity}/deliver`);
    }
    lap('document');
    const deadline = Date.now() + (o.timeoutMs ?? 60_000);
    while (!o.events.some((e) => e.detail.verificationId === verificationId)) {
      if (Date.now() > deadline) throw new Error(`no event for ${verificationId}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    lap('decision');
  }

  const begun = performance.now();
  let next = 0;
  const failures: string[] = [];
  await Promise.all(
    Array.from({ length: Math.min(o.concurrency, plan.length) }, async () => {
      while (next < plan.length) {
        const p = plan[next++];
        if (p) await one(p).catch((err: unknown) => failures.push(String(err)));
      }
    }),
  );
  const seconds = (performance.now() - begun) / 1000;
  if (failures.length > 0) throw new Error(`${failures.length} journeys failed, e.g. ${failures[0]}`);

  // Late duplicates must not produce late events: look again after the queue has settled.
  await new Promise((r) => setTimeout(r, 3000));
  const notFinal: string[] = [];
  for (const id of ids) {
    if ((await api.get(id)).status === 'PENDING') notFinal.push(id);
  }
  const { counts, copies } = eventsSeen();
  const eventCounts = { none: 0, one: 0, more: 0 };
  for (const id of ids) {
    const n = counts.get(id) ?? 0;
    if (n === 0) eventCounts.none += 1;
    else if (n === 1) eventCounts.one += 1;
    else eventCounts.more += 1;
  }
  const stages = Object.fromEntries(
    Object.entries(timings).map(([k, xs]) => [k, { p50: percentile(xs, 50), p99: percentile(xs, 99) }]),
  ) as LoadReport['stages'];
  // One token per session: the identity session and the document session of each verification.
  const sessions = (await call('GET', `${o.simulatorUrl}/simulator/sessions`)).json as unknown as {
    externalRef: string;
    successUrl: string;
  }[];
  const tokens = { oneEach: 0, more: 0, missing: 0 };
  for (const id of ids) {
    const mine = sessions.filter((s) => s.externalRef === id);
    const identity = mine.filter((s) => s.successUrl.includes('/continue')).length;
    const document = mine.length - identity;
    if (identity === 1 && document === 1) tokens.oneEach += 1;
    else if (identity > 1 || document > 1) tokens.more += 1;
    else tokens.missing += 1;
  }
  return {
    verifications: ids.length,
    retriedAfter5xx,
    seconds,
    perSecond: ids.length / seconds,
    duplicated: plan.filter((p) => p.duplicate).length,
    reordered: plan.filter((p) => p.reorder).length,
    notFinal,
    eventCounts,
    redeliveredCopies: copies,
    stages,
    answers,
    conflictsWithoutRetryAfter,
    tokens,
  };
}

export function formatReport(r: LoadReport): string {
  const lines = [
    `verifications: ${r.verifications} in ${r.seconds.toFixed(1)} s (${r.perSecond.toFixed(1)}/s); duplicated webhooks: ${r.duplicated}, reordered: ${r.reordered}`,
    `final: ${r.verifications - r.notFinal.length}/${r.verifications}; distinct events (eventIds) per verification: none ${r.eventCounts.none}, one ${r.eventCounts.one}, more ${r.eventCounts.more}; redelivered copies of an eventId: ${r.redeliveredCopies}; client retries after a 5xx: ${r.retriedAfter5xx}`,
    `answers: start ${JSON.stringify(r.answers.start)}, continue ${JSON.stringify(r.answers.continue)}; 409 without Retry-After: ${r.conflictsWithoutRetryAfter}; iDenfy tokens: one per session ${r.tokens.oneEach}, more ${r.tokens.more}, missing ${r.tokens.missing}`,
    'stage        p50 ms   p99 ms',
  ];
  for (const [stage, t] of Object.entries(r.stages)) {
    lines.push(`${stage.padEnd(10)} ${t.p50.toFixed(0).padStart(7)} ${t.p99.toFixed(0).padStart(8)}`);
  }
  return lines.join('\n');
}
