/**
 * No personal data in logs: whole journeys with a recognisable person, every log line captured
 * (DEBUG level), scanned for the names, date of birth, document number and address.
 */
import type { LocalSystem } from '../../local/system';
import {
  continueToDocument,
  eventsFor,
  http,
  postWebhook,
  simComplete,
  startTestSystem,
  startVerification,
  waitFor,
} from './helpers';

jest.setTimeout(90_000);

const ADDRESS = 'Zauberflötenweg 17-4, Salzburg';
const PERSON = {
  firstName: 'Wolfgang Amadeus',
  lastName: 'Mozartowski',
  dateOfBirth: '1956-01-27',
  address: ADDRESS,
};
const DOC_NUMBER = 'XK7739105';
const PERSONAL_CODE = '35601270042';
const NEEDLES = [
  'WOLFGANG',
  'AMADEUS',
  'MOZARTOWSK',
  '1956-01-27',
  '27.01.1956',
  DOC_NUMBER,
  PERSONAL_CODE,
  'ZAUBERFL',
  'SALZBURG',
];

let system: LocalSystem;
const captured: string[] = [];
const originals = {
  out: process.stdout.write.bind(process.stdout),
  err: process.stderr.write.bind(process.stderr),
};

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  // Metrics (EMF lines) too: their dimensions must never carry the person either.
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  const capture = (chunk: unknown) => {
    captured.push(String(chunk));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest
      .spyOn(console, level)
      .mockImplementation((...args: unknown[]) => captured.push(args.map(String).join(' ')));
  }
  system = await startTestSystem('pii', {
    onError: (where, err) =>
      captured.push(`[${where}] ${err instanceof Error ? `${err.message} ${err.stack}` : err}`),
  });
});

afterAll(async () => {
  await system?.stop();
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
  jest.restoreAllMocks();
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const docData = (overrides: Record<string, unknown> = {}) => ({
  docFirstName: 'WOLFGANG AMADEUS',
  docLastName: 'MOZARTOWSKI',
  docDob: '1956-01-27',
  docNumber: DOC_NUMBER,
  docPersonalCode: PERSONAL_CODE,
  fullName: 'WOLFGANG AMADEUS MOZARTOWSKI',
  // A proof of address (iDenfy's UTILITY_BILL step): another flat, so the mismatch is judged too.
  additionalData: {
    UTILITY_BILL: { address: { value: 'Zauberflötenweg 17-5, Salzburg', status: 'NOT_MATCH' } },
  },
  ...overrides,
});

async function journey(
  clientId: string,
  documentOverrides: Record<string, unknown>,
  identityOverall = 'APPROVED',
) {
  const { verificationId, identity } = await startVerification(system, { clientId, ...PERSON });
  const done = await simComplete(system, identity.scanRef, { overall: identityOverall, data: docData() });
  if (identityOverall === 'APPROVED') {
    const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
    await simComplete(system, document?.scanRef ?? '', { data: docData(documentOverrides) });
  }
  await waitFor(() => (eventsFor(system, verificationId).length > 0 ? true : undefined), 'the event');
  await http('GET', `${system.apiUrl}/verifications/${verificationId}`);
  return { verificationId, identity };
}

it('logs ids, statuses and error codes, never the person', async () => {
  const verified = await journey('pii-verified', {});
  const mismatch = await journey('pii-mismatch', { docLastName: 'MOZARTOWSKA', docDob: '1956-01-28' });
  // The lifecycle: a review whose note names the person, an erasure, the sweep.
  const reviewed = await http('POST', `${system.apiUrl}/verifications/${mismatch.verificationId}/review`, {
    decision: 'REJECT',
    reviewer: 'alice',
    note: `Surname MOZARTOWSKI vs MOZARTOWSKA, document ${DOC_NUMBER}`,
  });
  expect(reviewed.status).toBe(200);
  expect((await http('DELETE', `${system.apiUrl}/verifications/${verified.verificationId}`)).status).toBe(
    202,
  );
  expect((await http('DELETE', `${system.apiUrl}/verifications/${mismatch.verificationId}`)).status).toBe(
    202,
  );
  const badReview = await http('POST', `${system.apiUrl}/verifications/${mismatch.verificationId}/review`, {
    decision: 'APPROVE',
    reviewer: 'WOLFGANG\u0000',
  });
  expect(badReview.status).toBe(400);
  const sweeper = system.schedules.find((x) => x.handlerName === 'sweeper');
  await sweeper?.fire(new Date(Date.now() + 3 * 3600_000));
  const { verificationId, identity } = await journey('pii-denied', {}, 'DENIED');

  // Rejected input that carries the person: a bad signature, a malformed body, a bad start request.
  const payload = {
    scanRef: identity.scanRef,
    externalRef: verificationId,
    final: true,
    status: { overall: 'APPROVED' },
    data: docData(),
  };
  expect((await postWebhook(system, payload, { signature: '0'.repeat(64) })).status).toBe(401);
  expect(
    (
      await postWebhook(system, undefined, {
        raw: `{"data":{"docFirstName":"WOLFGANG","docNumber":"${DOC_NUMBER}"`,
      })
    ).status,
  ).toBe(400);
  expect((await postWebhook(system, { ...payload, status: { overall: 7 } })).status).toBe(400);
  const badStart = await http('POST', `${system.apiUrl}/verifications`, {
    clientId: 'pii-bad',
    firstName: 'Wolfgang1',
    dateOfBirth: '1956-01-27x',
  });
  expect(badStart.status).toBe(400);

  const lines = captured
    .join('\n')
    .split('\n')
    .filter((l) => l.trim());
  // The capture works: the journeys' own log lines are in it.
  expect(lines.some((l) => l.includes('"verification started"'))).toBe(true);
  expect(lines.some((l) => l.includes('"webhook"'))).toBe(true);
  expect(lines.some((l) => l.includes('"comparator"'))).toBe(true);
  expect(lines.some((l) => l.includes('"verification reviewed"'))).toBe(true);
  expect(lines.some((l) => l.includes('"verification erased"'))).toBe(true);
  expect(lines.some((l) => l.includes('"sweep"'))).toBe(true);
  for (const metric of [
    'VerificationsStarted',
    'WebhooksRecorded',
    'WebhooksRejected',
    'VerificationsFinalized',
    'MatchVerdicts',
    'IdenfyCallLatency',
  ]) {
    expect({
      [metric]: lines.some((l) => l.includes('"CloudWatchMetrics"') && l.includes(`"${metric}"`)),
    }).toEqual({ [metric]: true });
  }
  const hits = lines.filter((l) => NEEDLES.some((n) => l.toUpperCase().includes(n)));
  expect(hits).toEqual([]);
});
