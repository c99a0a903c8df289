/**
 * Races and privacy, counted: requests fired together, then the effects counted at the simulator
 * (tokens minted) and in the whole table (personal data left), never only through the API.
 * Also: the edge cases of the same issue (normalisation, malformed paths).
 * `RACE_ROUNDS` (default 4) and `RACE_WIDTH` (default 12) scale it up: `npm run races`.
 */
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { LocalSystem } from '../../local/system';
import {
  http,
  postWebhook,
  simComplete,
  simSessions,
  sleep,
  startTestSystem,
  startVerification,
  twoStepJourney,
  waitForEvents,
} from './helpers';

const ROUNDS = Number(process.env.RACE_ROUNDS ?? 4);
const WIDTH = Number(process.env.RACE_WIDTH ?? 12);
jest.setTimeout(60_000 + ROUNDS * WIDTH * 2_000);

let system: LocalSystem;
let tableName: string;
const dynamo = new DynamoDBClient({});

beforeAll(async () => {
  system = await startTestSystem('claims');
  tableName = process.env.TABLE_NAME as string;
});

afterAll(async () => {
  await system?.stop();
});

/** iDenfy answers its next token call slowly, so that racing callers really overlap (only one calls). */
function slowTokens(ms = 300, times = 1) {
  system.simulator?.injectFault({ path: '/api/v2/token', status: 0, identifier: '', delayMs: ms, times });
}

/** A marker for round n that passes name validation (letters only) and appears nowhere else. */
const marker = (what: string, n: number) =>
  `ZQX${what}${String.fromCharCode(65 + (n % 26))}${String.fromCharCode(65 + (Math.floor(n / 26) % 26))}Q`;

/** Every item of the table, as text: what a leak would be found in. */
async function tableText(): Promise<string> {
  const items: unknown[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: after as never, ConsistentRead: true }),
    );
    items.push(...(out.Items ?? []));
    after = out.LastEvaluatedKey;
  } while (after);
  return JSON.stringify(items);
}

describe('claim before you call: one iDenfy token per session role', () => {
  it(`${WIDTH} starts at once for one client: one verification, one token`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const clientId = `claims-start-${round}`;
      slowTokens();
      const answers = await Promise.all(
        Array.from({ length: WIDTH }, () => http('POST', `${system.apiUrl}/verifications`, { clientId })),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      // Every other caller got the winner's verification (or a 409 to retry, never a second token).
      expect(statuses.every((s) => s === 200 || s === 201 || s === 409)).toBe(true);
      const ids = new Set(answers.filter((a) => a.status < 300).map((a) => a.body.verificationId));
      expect(ids.size).toBe(1);
      expect(await simSessions(system, clientId)).toHaveLength(1);
    }
  });

  it(`the continue link followed ${WIDTH} times at once: one document session`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const clientId = `claims-continue-${round}`;
      const { verificationId, identity } = await startVerification(system, { clientId });
      const done = await simComplete(system, identity.scanRef, { overall: 'APPROVED' });
      slowTokens();
      const answers = await Promise.all(Array.from({ length: WIDTH }, () => http('GET', done.redirectTo)));
      const locations = new Set(
        answers.filter((a) => a.status === 302).map((a) => a.headers.get('location')),
      );
      expect(answers.every((a) => a.status === 302 || a.status === 409)).toBe(true);
      expect(locations.size).toBe(1);
      const sessions = (await simSessions(system, clientId)).filter((s) => s.externalRef === verificationId);
      expect(sessions.map((s) => s.tokenType).sort()).toEqual(['DOCUMENT', 'IDENTIFICATION']);
    }
  });

  it('the error link edited to say success is refused: no document session while a denial is on its way', async () => {
    const clientId = 'claims-outcome';
    const { verificationId, identity } = await startVerification(system, { clientId });
    // iDenfy sends the browser to the error link; its DENIED webhook is still on the way.
    const done = await simComplete(system, identity.scanRef, { overall: 'DENIED', deliver: false });
    expect(done.redirectTo).toContain('outcome=error');
    const edited = await http('GET', done.redirectTo.replace('outcome=error', 'outcome=success'));
    expect(edited.status).toBe(403);
    expect(String(edited.body)).toContain('This link is not valid');
    const honest = await http('GET', done.redirectTo);
    expect(honest.status).toBe(302);
    const sessions = (await simSessions(system, clientId)).filter((s) => s.externalRef === verificationId);
    expect(sessions.map((s) => s.tokenType)).toEqual(['IDENTIFICATION']);
  });

  it('a failed iDenfy call gives the claim up and stores nothing: the next start need not wait', async () => {
    const clientId = 'claims-failed';
    // A refusal (not retried by the client): iDenfy mints nothing.
    system.simulator?.injectFault({ path: '/api/v2/token', status: 400, identifier: 'BAD_REQUEST' });
    const failed = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect(failed.status).toBe(502);
    const retried = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect(retried.status).toBe(201);
    expect(await simSessions(system, clientId)).toHaveLength(1);
    // Nothing of the failed start is left but the slot now pointing at the new verification.
    expect(await tableText()).not.toContain(String(failed.body.verificationId ?? 'no-id'));
  });
});

describe('one permit, two clients, at the same moment', () => {
  it('never both VERIFIED: whichever decision looks last sees the other, every round', async () => {
    const tally: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const permit = {
        docType: 'RESIDENCE_PERMIT',
        docIssuingCountry: 'DE',
        docNumber: `RP${round}X${Date.now()}`,
      };
      const ready = await Promise.all(
        ['a', 'b'].map(async (who) => {
          const clientId = `bind-race-${round}-${who}`;
          const { verificationId, identity } = await startVerification(system, { clientId });
          const done = await simComplete(system, identity.scanRef, { overall: 'APPROVED' });
          await http('GET', done.redirectTo);
          const document = (await simSessions(system, clientId)).find((x) => x.tokenType === 'DOCUMENT');
          return { verificationId, document };
        }),
      );
      // Both permits' results at once: each decision binds before it looks, so they cannot both miss.
      await Promise.all(
        ready.map((r) =>
          simComplete(system, r.document?.scanRef ?? '', { overall: 'APPROVED', data: permit }),
        ),
      );
      const decided = [];
      for (const r of ready) {
        const [event] = await waitForEvents(system, r.verificationId, 'the decision');
        decided.push({ status: event?.detail.status, reasons: event?.detail.reasons as string[] });
      }
      const reviewed = decided.filter((d) => d.status === 'REQUIRES_REVIEW');
      expect(reviewed.length).toBeGreaterThanOrEqual(1);
      for (const d of reviewed) expect(d.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);
      for (const d of decided.filter((x) => x.status !== 'REQUIRES_REVIEW'))
        expect(d).toEqual({ status: 'VERIFIED', reasons: [] });
      tally.push(reviewed.length === 2 ? 'both' : 'one');
    }
    console.info(`one permit, two clients: in review ${tally.join(' ')}`);
  });
});

describe('erasure wins every race (the whole table is scanned afterwards)', () => {
  /** A verification in REQUIRES_REVIEW whose names carry `marker`. */
  async function toReview(clientId: string, mark: string) {
    const data = { docFirstName: `${mark}A`, docLastName: `${mark}B` };
    const { verificationId, view } = await twoStepJourney(
      system,
      clientId,
      data,
      data,
      { firstName: `${mark}A`, lastName: `${mark}B` },
      { overall: 'SUSPECTED' },
    );
    expect(view.status).toBe('REQUIRES_REVIEW');
    return verificationId;
  }

  it('review against erasure: the reviewer’s note never outlives the erasure', async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const mark = marker('REVIEW', round);
      const verificationId = await toReview(`erase-review-${round}`, mark);
      const reviewing = () =>
        http('POST', `${system.apiUrl}/verifications/${verificationId}/review`, {
          decision: 'APPROVE',
          reviewer: 'alice',
          note: `${mark} seen in person, passport ${mark}N`,
        });
      const erasing = () => http('DELETE', `${system.apiUrl}/verifications/${verificationId}`);
      // Either goes first, a few milliseconds apart, so that each interleaving gets its turn.
      const stagger = (round % 6) * 8;
      const [reviewed, erased] =
        round % 2 === 0
          ? await Promise.all([reviewing(), sleep(stagger).then(erasing)])
          : await Promise.all([sleep(stagger).then(reviewing), erasing()]);
      outcomes.push(`${reviewed.status}/${erased.status}`);
      expect(erased.status).toBe(202);
      expect([200, 409]).toContain(reviewed.status);
      expect(await tableText()).not.toContain(mark);
    }
    console.info(`review/erase outcomes over ${ROUNDS} rounds: ${outcomes.join(' ')}`);
  });

  it('a late webhook against erasure: its document data is never kept', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const mark = marker('HOOK', round);
      const clientId = `erase-webhook-${round}`;
      const { verificationId, documentSession } = await twoStepJourney(system, clientId, {}, {});
      // iDenfy's manual review changes the data after our decision, while the client erases.
      const late = {
        scanRef: documentSession.scanRef,
        externalRef: verificationId,
        final: true,
        status: { overall: 'APPROVED', fraudTags: [], mismatchTags: [] },
        data: { docFirstName: mark, docLastName: mark, docNumber: `${mark}N`, manuallyDataChanged: true },
      };
      const [hook, erased] = await Promise.all([
        postWebhook(system, late),
        http('DELETE', `${system.apiUrl}/verifications/${verificationId}`),
      ]);
      expect(erased.status).toBe(202);
      expect(hook.status).toBe(200);
      expect(await tableText()).not.toContain(mark);
    }
  });

  it('the decision against erasure: erasure waits for the decision, then nothing is left', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const mark = marker('DECIDE', round);
      const clientId = `erase-decision-${round}`;
      const data = { docFirstName: mark, docLastName: mark };
      const { verificationId, identity } = await startVerification(system, {
        clientId,
        firstName: mark,
        lastName: mark,
      });
      const done = await simComplete(system, identity.scanRef, { overall: 'APPROVED', data });
      await http('GET', done.redirectTo);
      const document = (await simSessions(system, clientId)).find((s) => s.tokenType === 'DOCUMENT');
      // The last result and a stream of erasure requests at once: PENDING answers 409 until decided.
      const erasures = (async () => {
        for (;;) {
          const erased = await http('DELETE', `${system.apiUrl}/verifications/${verificationId}`);
          if (erased.status === 202) return erased;
          expect(erased.status).toBe(409);
        }
      })();
      await simComplete(system, document?.scanRef ?? '', { overall: 'APPROVED', data });
      await erasures;
      await waitForEvents(system, verificationId, 'the decision');
      expect(await tableText()).not.toContain(mark);
    }
  });
});

describe('clean edges: the caller’s own mistakes are 400s, never 5xx', () => {
  it('each client field is trimmed and put in NFC once, and that is what iDenfy receives', async () => {
    const clientId = 'edge-normalised';
    const decomposed = 'Ju\u0308rgen';
    const started = await http('POST', `${system.apiUrl}/verifications`, {
      clientId: ` ${clientId} `,
      firstName: ` ${decomposed} `,
      lastName: 'Mu\u0308ller\t',
      dateOfBirth: ' 1990-01-01',
      locale: 'de ',
    });
    expect(started.status).toBe(201);
    expect(started.body.clientId).toBe(clientId);
    const [session] = await simSessions(system, clientId);
    const sent = system.simulator?.sessions.get(session?.scanRef ?? '')?.request;
    // Upper-cased as iDenfy echoes names; composed: Ü is one code point, not U and a combining mark.
    expect(sent).toMatchObject({
      clientId,
      firstName: 'J\u00DCRGEN',
      lastName: 'M\u00DCLLER',
      dateOfBirth: '1990-01-01',
      locale: 'de',
    });
  });

  it('a date of birth with a time of day is a 400 naming the field, not a 502 from iDenfy', async () => {
    const bad = await http('POST', `${system.apiUrl}/verifications`, {
      clientId: 'edge-dob',
      dateOfBirth: '1990-01-01T00:00:00Z',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('dateOfBirth');
  });

  it.each([
    '/verifications/%E0%A4%A',
    '/verifications/%',
    '/verifications/%ZZ',
    '/verifications/%C0%AF/continue',
  ])('a malformed percent-encoding (%s) is a 400, as API Gateway answers', async (path) => {
    const res = await http('GET', `${system.apiUrl}${path}`);
    expect(res.status).toBe(400);
  });
});
