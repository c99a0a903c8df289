/** Shared helpers for integration tests: a local system per test file, HTTP calls, waiting. */
import { randomUUID } from 'node:crypto';
import { signBody } from '../../functions/shared/signature';
import {
  DEFAULT_LOCAL_KEYS,
  type LocalSystem,
  type LocalSystemOptions,
  startLocalSystem,
} from '../../local/system';

export async function startTestSystem(
  name: string,
  opts: Partial<LocalSystemOptions> = {},
): Promise<LocalSystem> {
  return startLocalSystem({
    prefix: `t${randomUUID().slice(0, 8)}-${name}`,
    visibilityTimeoutSeconds: 1,
    simulator: { retryDelayMs: 20, deliveryTimeoutMs: 10_000, maxDeliveryAttempts: 3 },
    ...opts,
  });
}

export interface HttpAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export async function http<T = Record<string, unknown>>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpAnswer<T>> {
  const res = await fetch(url, {
    method,
    redirect: 'manual',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body:
      body === undefined
        ? undefined
        : typeof body === 'string' || Buffer.isBuffer(body)
          ? body
          : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SimSessionSummary {
  scanRef: string;
  authToken: string;
  clientId: string;
  tokenType: string;
  externalRef: string;
  callbackUrl: string;
  successUrl: string;
  errorUrl: string;
  unverifiedUrl: string;
  state: string;
  documents: string[] | null;
}

export async function simSessions(system: LocalSystem, clientId: string): Promise<SimSessionSummary[]> {
  const res = await http<SimSessionSummary[]>(
    'GET',
    `${system.simulator?.url}/simulator/sessions?clientId=${encodeURIComponent(clientId)}`,
  );
  return res.body;
}

export async function simComplete(
  system: LocalSystem,
  scanRef: string,
  request: Record<string, unknown> = {},
) {
  const res = await http<{ redirectTo: string; deliveries: { status: number; attempts: number }[] }>(
    'POST',
    `${system.simulator?.url}/simulator/sessions/${scanRef}/complete`,
    request,
  );
  if (res.status !== 200) throw new Error(`complete ${scanRef}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Posts a webhook body as iDenfy would (signed with the local key unless told otherwise). */
export async function postWebhook(
  system: LocalSystem,
  payload: unknown,
  opts: { signature?: string; eventType?: string; raw?: string } = {},
) {
  const body = opts.raw ?? JSON.stringify(payload);
  return http('POST', `${system.apiUrl}/webhooks/idenfy`, body, {
    'content-type': 'application/json',
    'Idenfy-Event-Type': opts.eventType ?? 'IDENTIFICATION_AUTO_FINISHED',
    'Idenfy-Signature': opts.signature ?? signBody(body, DEFAULT_LOCAL_KEYS.webhookSigningKey),
  });
}

export function eventsFor(system: LocalSystem, verificationId: string) {
  return system.events.filter((e) => e.detail.verificationId === verificationId);
}

/** Waits until the subscriber has received at least one event of the verification; returns them all. */
export function waitForEvents(system: LocalSystem, verificationId: string, what = 'the event') {
  return waitFor(() => {
    const e = eventsFor(system, verificationId);
    return e.length > 0 ? e : undefined;
  }, what);
}

/** Starts a verification and returns its id and the identity session the simulator holds. */
export async function startVerification(system: LocalSystem, body: Record<string, unknown>) {
  const res = await http('POST', `${system.apiUrl}/verifications`, body);
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  const verificationId = res.body.verificationId as string;
  const sessions = await simSessions(system, body.clientId as string);
  const mine = sessions.filter((s) => s.externalRef === verificationId);
  // Two sessions: the identity one returns to our continue link; one session: it is the only IDENTIFICATION.
  const identity =
    mine.find((s) => s.successUrl.includes('/continue')) ??
    mine.find((s) => s.tokenType === 'IDENTIFICATION');
  if (!identity) throw new Error('identity session not found at the simulator');
  return { verificationId, identity, start: res };
}

/** Follows the continue link (302) and returns the document session it created. */
export async function continueToDocument(
  system: LocalSystem,
  continueUrl: string,
  clientId: string,
  verificationId: string,
) {
  const res = await http('GET', continueUrl);
  if (res.status !== 302) throw new Error(`continue: ${res.status} ${JSON.stringify(res.body)}`);
  const sessions = await simSessions(system, clientId);
  // The identity session is the one that returns to our continue link (both are IDENTIFICATION
  // sessions when the second document's face is checked too).
  const document = sessions.find(
    (s) => s.externalRef === verificationId && !s.successUrl.includes('/continue'),
  );
  return { location: res.headers.get('location'), document };
}

/** Start, finish the identity step with `identity` data, continue, finish the document step; the decision. */
export async function twoStepJourney(
  system: LocalSystem,
  clientId: string,
  identity: Record<string, unknown>,
  document: Record<string, unknown>,
  start: Record<string, unknown> = {},
  documentStep: Record<string, unknown> = {},
) {
  const { verificationId, identity: identitySession } = await startVerification(system, {
    clientId,
    ...start,
  });
  const done = await simComplete(system, identitySession.scanRef, { overall: 'APPROVED', data: identity });
  const { document: documentSession } = await continueToDocument(
    system,
    done.redirectTo,
    clientId,
    verificationId,
  );
  if (!documentSession) throw new Error('document session not found at the simulator');
  await simComplete(system, documentSession.scanRef, {
    overall: 'APPROVED',
    data: document,
    ...documentStep,
  });
  const [event] = await waitForEvents(system, verificationId, 'the decision');
  const view = (await http('GET', `${system.apiUrl}/verifications/${verificationId}`)).body as {
    status: string;
    reasons: string[];
    report: { documentChecks?: Record<string, unknown> };
  };
  return { verificationId, event, view, identitySession, documentSession };
}

/**
 * Waits until the system is quiet: no work in any queue (visible or in flight), no batch in hand, every
 * published event taken by the subscriber; twice in a row, 200 ms apart. What a test uses to show that
 * nothing more happens (a second event, a second decision), instead of sleeping and hoping.
 */
export async function settled(system: LocalSystem): Promise<void> {
  const quiet = async () =>
    (await Promise.all([...system.runners.map((r) => r.drained()), system.subscriber.drained()])).every(
      Boolean,
    );
  let inARow = 0;
  await waitFor(async () => {
    inARow = (await quiet()) ? inARow + 1 : 0;
    if (inARow >= 2) return true;
    await sleep(200);
    return undefined;
  }, 'the system to settle');
}
