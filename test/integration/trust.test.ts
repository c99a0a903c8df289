/**
 * Trust rules (docs/decisions.md "Document integrity", docs/api.md "Resume"), end to end through the
 * local system: each hole an attacker found, driven as they drove it, and what the system says now.
 */
import { createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { loadDocumentHashKey } from '../../functions/adapters/secrets';
import type { LocalSystem } from '../../local/system';
import {
  continueToDocument,
  http,
  postWebhook,
  settled,
  simComplete,
  simSessions,
  sleep,
  startTestSystem,
  startVerification,
  twoStepJourney,
  waitForEvents,
} from './helpers';

jest.setTimeout(120_000);

let system: LocalSystem;
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

beforeAll(async () => {
  system = await startTestSystem('trust');
});

afterAll(async () => {
  await system?.stop();
});

type Data = Record<string, unknown>;
type View = {
  status: string;
  reasons: string[];
  report: { documentChecks?: Record<string, unknown> } | null;
  sessions: Record<string, unknown>;
};

const journey = (clientId: string, identity: Data, document: Data, start: Data = {}, step: Data = {}) =>
  twoStepJourney(system, clientId, identity, document, start, step);
const view = async (id: string) => (await http<View>('GET', `${system.apiUrl}/verifications/${id}`)).body;
const start = (body: Data, headers: Record<string, string> = {}) =>
  http('POST', `${system.apiUrl}/verifications`, body, headers);
const documentTokens = async (clientId: string, verificationId: string) =>
  (await simSessions(system, clientId)).filter(
    (s) => s.externalRef === verificationId && !s.successUrl.includes('/continue'),
  ).length;

describe('every document iDenfy read is bound, whatever came of it', () => {
  it('a permit from a DENIED document session, shown again by another client, goes to a person', async () => {
    const permit = { docType: 'RESIDENCE_PERMIT', docNumber: 'DENIED-PERMIT-1', docIssuingCountry: 'DE' };
    const a = await journey('trust-denied-permit-a', {}, permit, {}, { overall: 'DENIED' });
    expect(a.view.status).toBe('REJECTED');
    const b = await journey('trust-denied-permit-b', {}, permit);
    expect(b.view.status).toBe('REQUIRES_REVIEW');
    expect(b.view.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);
  });

  it('an ID card from a DENIED identity session, shown again by another client, goes to a person', async () => {
    const card = { docType: 'ID_CARD', docNumber: 'DENIED-CARD-1', docIssuingCountry: 'LT' };
    const a = await startVerification(system, { clientId: 'trust-denied-card-a' });
    await simComplete(system, a.identity.scanRef, { overall: 'DENIED', data: card });
    const [rejected] = await waitForEvents(system, a.verificationId);
    expect(rejected?.detail.status).toBe('REJECTED');
    const b = await journey('trust-denied-card-b', card, {});
    expect(b.view.status).toBe('REQUIRES_REVIEW');
    expect(b.view.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);
  });

  it('a cancelled verification binds the document it had already read', async () => {
    const card = { docType: 'PASSPORT', docNumber: 'CANCELLED-PASS-1', docIssuingCountry: 'LV' };
    const a = await startVerification(system, { clientId: 'trust-cancelled-a' });
    await simComplete(system, a.identity.scanRef, { data: card });
    await settled(system);
    const cancelled = await http('POST', `${system.apiUrl}/verifications/${a.verificationId}/cancel`);
    expect(cancelled.body.status).toBe('EXPIRED');
    const b = await journey('trust-cancelled-b', card, {});
    expect(b.view.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);
  });

  it('one document whatever its label: DE = DEU = D, and an ID card number shown as a "permit"', async () => {
    const permit = { docType: 'RESIDENCE_PERMIT', docNumber: 'LABEL-P-1' };
    const a = await journey('trust-label-a', {}, { ...permit, docIssuingCountry: 'DE' });
    expect(a.view.status).toBe('VERIFIED');
    const alpha3 = await journey('trust-label-b', {}, { ...permit, docIssuingCountry: 'DEU' });
    expect(alpha3.view.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);
    const mrz = await journey('trust-label-c', {}, { ...permit, docIssuingCountry: 'D' });
    expect(mrz.view.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);

    const card = { docType: 'ID_CARD', docNumber: 'LT-CARD-77', docIssuingCountry: 'LT' };
    const owner = await journey('trust-label-d', card, {});
    expect(owner.view.status).toBe('VERIFIED');
    const relabelled = await journey('trust-label-e', {}, { ...card, docType: 'RESIDENCE_PERMIT' });
    expect(relabelled.view.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);
  });

  it('NATIONALITY_MISMATCH reads alpha-3 codes too: LT ≠ DEU, LT = LTU', async () => {
    const differ = await journey('trust-nat-a', { docNationality: 'LT' }, { docNationality: 'DEU' });
    expect(differ.view.reasons).toEqual(['NATIONALITY_MISMATCH']);
    const same = await journey('trust-nat-b', { docNationality: 'LT' }, { docNationality: 'LTU' });
    expect(same.view.status).toBe('VERIFIED');
  });

  it('a binding written before the key dropped the type still counts', async () => {
    // Written the old way: the keyed hash of `D|type|country|number`, as the release before this one did.
    const key = await loadDocumentHashKey(process.env.DOCUMENT_HASH_SECRET_ID as string);
    const legacy = createHmac('sha256', key).update('D|RESIDENCE_PERMIT|DE|OLDPERMIT9', 'utf8').digest('hex');
    await doc.send(
      new PutCommand({
        TableName: process.env.TABLE_NAME,
        Item: { pk: `DOC#${legacy}`, sk: 'V#legacy-verification', clientId: 'trust-legacy-owner' },
      }),
    );
    const b = await journey(
      'trust-legacy-b',
      {},
      { docType: 'RESIDENCE_PERMIT', docNumber: 'old-permit-9', docIssuingCountry: 'DE' },
    );
    expect(b.view.reasons).toEqual(['DOCUMENT_SEEN_FOR_ANOTHER_CLIENT']);
  });

  it('race: a denial and another client verifying the same permit, fired together, never both miss', async () => {
    const rounds = Number(process.env.RACE_ROUNDS ?? 4);
    const outcomes: Record<string, number> = {};
    for (let round = 0; round < rounds; round++) {
      const permit = { docType: 'RESIDENCE_PERMIT', docNumber: `RACE-P-${round}`, docIssuingCountry: 'DE' };
      const prepared = await Promise.all(
        ['a', 'b'].map(async (side) => {
          const clientId = `trust-race-${round}-${side}`;
          const { verificationId, identity } = await startVerification(system, { clientId });
          const done = await simComplete(system, identity.scanRef, {});
          const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
          return { verificationId, scanRef: document?.scanRef as string };
        }),
      );
      const [a, b] = prepared as [{ verificationId: string; scanRef: string }, (typeof prepared)[0]];
      await Promise.all([
        simComplete(system, a.scanRef, { overall: 'DENIED', data: permit }),
        simComplete(system, b.scanRef, { data: permit }),
      ]);
      await Promise.all([waitForEvents(system, a.verificationId), waitForEvents(system, b.verificationId)]);
      const [va, vb] = await Promise.all([view(a.verificationId), view(b.verificationId)]);
      const aSaw = va.reasons.includes('DOCUMENT_SEEN_FOR_ANOTHER_CLIENT');
      const bSaw = vb.reasons.includes('DOCUMENT_SEEN_FOR_ANOTHER_CLIENT');
      expect(va.status).toBe('REJECTED');
      // Bind first, then look: whichever looks last sees the other; never may both miss.
      expect(aSaw || bSaw).toBe(true);
      if (!bSaw) expect(vb.status).toBe('VERIFIED');
      else expect(vb.status).toBe('REQUIRES_REVIEW');
      const key = `${aSaw ? 'denied saw' : 'denied missed'} / ${bSaw ? 'other saw' : 'other missed'}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    console.info(`denied-document race, ${rounds} rounds: ${JSON.stringify(outcomes)}`);
  });
});

describe('resume never reopens a door a denial closed', () => {
  const autoDenial = (verificationId: string, scanRef: string, clientId: string) =>
    postWebhook(system, {
      scanRef,
      externalRef: verificationId,
      clientId,
      final: false,
      status: { overall: 'DENIED', fraudTags: [], mismatchTags: [] },
      data: { docType: 'ID_CARD', docNumber: `AUTO-${scanRef.slice(0, 8)}`, docIssuingCountry: 'LT' },
    });

  it('after an automatic (non-final) denial: no link, and the success link creates nothing', async () => {
    const clientId = 'trust-resume-denied';
    const { verificationId, identity } = await startVerification(system, { clientId });
    expect((await autoDenial(verificationId, identity.scanRef, clientId)).status).toBe(200);
    await settled(system);
    const again = await start({ clientId });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ verificationId, status: 'PENDING', redirectUrl: null });
    // The identity step's success link, which the person still holds: it creates no paid session.
    const followed = await http('GET', identity.successUrl);
    expect(followed.status).toBe(302);
    expect(followed.headers.get('location')).not.toContain(system.simulator?.url as string);
    expect(await documentTokens(clientId, verificationId)).toBe(0);
  });

  it('after the browser came back through the error link: never the used-up identity link', async () => {
    const clientId = 'trust-resume-error-link';
    const { verificationId, identity } = await startVerification(system, { clientId });
    const back = await http('GET', identity.errorUrl);
    expect(back.status).toBe(302);
    const again = await start({ clientId });
    expect(again.status).toBe(200);
    expect(again.body.verificationId).toBe(verificationId);
    expect(again.body.redirectUrl).toBeNull();
    expect(await documentTokens(clientId, verificationId)).toBe(0);
  });

  it('race: repeated starts and follows of the success link, fired with a late denial: nothing after it', async () => {
    const rounds = Number(process.env.RACE_ROUNDS ?? 4);
    const width = Number(process.env.RACE_WIDTH ?? 6);
    const minted: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const clientId = `trust-resume-race-${round}`;
      const { verificationId, identity } = await startVerification(system, { clientId });
      const calls = await Promise.all([
        autoDenial(verificationId, identity.scanRef, clientId),
        ...Array.from({ length: width }, () => start({ clientId })),
        ...Array.from({ length: width }, () => http('GET', identity.successUrl)),
      ]);
      expect(calls.every((c) => c.status < 500)).toBe(true);
      await settled(system);
      // One token per step under any race; and once the denial is recorded, nothing more.
      const before = await documentTokens(clientId, verificationId);
      expect(before).toBeLessThanOrEqual(1);
      minted.push(before);
      const after = await Promise.all([
        start({ clientId }),
        http('GET', identity.successUrl),
        http('GET', identity.successUrl),
      ]);
      expect(after[0].body.redirectUrl ?? null).toBeNull();
      expect(await documentTokens(clientId, verificationId)).toBe(before);
    }
    console.info(
      `resume/denial race, ${rounds}×${width}: document tokens per round ${JSON.stringify(minted)}`,
    );
  });
});

describe('a repeated start that claims someone else is a conflict', () => {
  it('answers 409 CLAIM_DIFFERS naming the fields, and resumes the same claim', async () => {
    const clientId = 'trust-claim-differs';
    const claim = { clientId, firstName: 'Anna', lastName: 'Berg', dateOfBirth: '1990-02-03' };
    const first = await start(claim);
    expect(first.status).toBe(201);
    const other = await start({ ...claim, firstName: 'Erik', dateOfBirth: '1991-02-03' });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: 'CLAIM_DIFFERS' } });
    expect((other.body.error as { message: string }).message).toMatch(/firstName.*dateOfBirth/);
    const method = await start({ ...claim, method: 'ADDITIONAL_STEP' });
    expect([method.status, (method.body.error as { code: string }).code]).toEqual([409, 'CLAIM_DIFFERS']);
    const same = await start(claim);
    expect([same.status, same.body.verificationId]).toEqual([200, first.body.verificationId]);
    expect(await simSessions(system, clientId)).toHaveLength(1);
  });
});

describe('edges', () => {
  it.each([
    ['zero-width spaces', '\u200B\u200B'],
    ['a soft hyphen', '\u00AD'],
    ['a word joiner', '\u2060'],
    ['a Hangul filler', '\u3164'],
    ['punctuation only', "'-."],
  ])('a first name of %s is refused, naming the field', async (_what, firstName) => {
    const res = await start({ clientId: `trust-empty-name-${firstName.length}`, firstName });
    expect(res.status).toBe(400);
    expect((res.body.error as { message: string }).message).toMatch(/^firstName: /);
  });

  it('bidi controls are refused in names, in the reviewer and in the note', async () => {
    const name = await start({ clientId: 'trust-bidi', lastName: 'Berg\u202Egreb' });
    expect(name.status).toBe(400);
    expect((name.body.error as { message: string }).message).toMatch(/^lastName: /);
    const { view: reviewed, verificationId } = await journey(
      'trust-bidi-review',
      { docLastName: 'BERG' },
      { docLastName: 'BORG' },
    );
    expect(reviewed.status).toBe('REQUIRES_REVIEW');
    const url = `${system.apiUrl}/verifications/${verificationId}/review`;
    const reviewer = await http('POST', url, { decision: 'APPROVE', reviewer: 'Eve\u2067evE' });
    expect([reviewer.status, (reviewer.body.error as { message: string }).message]).toEqual([
      400,
      expect.stringMatching(/^reviewer: /),
    ]);
    const note = await http('POST', url, { decision: 'APPROVE', reviewer: 'Eve', note: 'ok \u202Eko' });
    expect([note.status, (note.body.error as { message: string }).message]).toEqual([
      400,
      expect.stringMatching(/^note: /),
    ]);
    expect((await view(verificationId)).status).toBe('REQUIRES_REVIEW');
  });

  it('an identity session without a document type proves nothing: FIELD_MISSING', async () => {
    const { view: v } = await journey('trust-no-doctype', { docType: null }, {});
    expect(v.status).toBe('REQUIRES_REVIEW');
    expect(v.reasons).toContain('FIELD_MISSING');
  });

  it('JSON routes take JSON: a form, text/plain or no content type is 415, and stores nothing', async () => {
    const clientId = 'trust-content-type';
    const body = JSON.stringify({ clientId });
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await http('POST', `${system.apiUrl}/verifications`, body, { 'content-type': type });
      expect([res.status, (res.body.error as { code: string }).code]).toEqual([
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ]);
    }
    // No content type at all (what a no-cors fetch of a Blob sends).
    const bare = await fetch(`${system.apiUrl}/verifications`, { method: 'POST', body: new Blob([body]) });
    expect(bare.status).toBe(415);
    expect(await simSessions(system, clientId)).toHaveLength(0);
    const ok = await http('POST', `${system.apiUrl}/verifications`, body, {
      'content-type': 'Application/JSON; charset=utf-8',
    });
    expect(ok.status).toBe(201);
    // Cancel takes no body; a cross-site form posting to it is refused too.
    const cancel = await http('POST', `${system.apiUrl}/verifications/${ok.body.verificationId}/cancel`, '', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(cancel.status).toBe(415);
  });

  it('a review racing a late iDenfy result: a 409 that says it changed meanwhile, with Retry-After', async () => {
    const rounds = Number(process.env.RACE_ROUNDS ?? 4) * 3;
    const answers: Record<string, number> = {};
    for (let round = 0; round < rounds; round++) {
      const { verificationId, identitySession } = await journey(
        `trust-review-race-${round}`,
        { docLastName: 'BERG' },
        { docLastName: 'BORG' },
      );
      // The late result is recorded and queued while the comparator waits; then the comparator's run
      // and the review start a few milliseconds apart, so that one lands between the other's read and write.
      await Promise.all(system.runners.map((r) => r.stop()));
      await postWebhook(
        system,
        {
          scanRef: identitySession.scanRef,
          externalRef: verificationId,
          final: true,
          status: { overall: 'DENIED' },
          data: { docLastName: 'BERG' },
        },
        { eventType: 'IDENTIFICATION_MANUAL_FINISHED' },
      );
      const [review] = await Promise.all([
        sleep((round * 7) % 60).then(() =>
          http('POST', `${system.apiUrl}/verifications/${verificationId}/review`, {
            decision: 'APPROVE',
            reviewer: 'Ana',
          }),
        ),
        ...system.runners.map((r) => r.pollOnce()),
      ]);
      for (const r of system.runners) r.start();
      answers[review.status] = (answers[review.status] ?? 0) + 1;
      if (review.status === 409) {
        const message = (review.body.error as { message: string }).message;
        expect(message).not.toMatch(/status is REQUIRES_REVIEW: only REQUIRES_REVIEW/);
        expect(review.headers.get('retry-after')).toBe('1');
        expect((review.body.error as { code: string }).code).toBe('VERIFICATION_CHANGED');
      } else {
        expect(review.status).toBe(200);
      }
      await settled(system);
    }
    console.info(`review / late result race, ${rounds} rounds: ${JSON.stringify(answers)}`);
  });
});

describe('names know where they come from', () => {
  it('two German documents compare letter for letter: MEYER is not MEIER', async () => {
    const { view: v } = await journey(
      'trust-names-de',
      { docLastName: 'MEYER', docNationality: 'DE', docIssuingCountry: 'DE' },
      { docLastName: 'MEIER', docNationality: 'DE', docIssuingCountry: 'DE' },
    );
    expect(v.status).toBe('REQUIRES_REVIEW');
    expect(v.reasons).toEqual(['LAST_NAME_PARTIAL_MATCH']);
  });

  it('a Russian passport and a German permit of one person: IULIIA is YULIYA', async () => {
    const { view: v } = await journey(
      'trust-names-ru',
      { docFirstName: 'IULIIA', docNationality: 'RU', docIssuingCountry: 'RU' },
      { docFirstName: 'YULIYA', docNationality: 'RU', docIssuingCountry: 'DE' },
    );
    expect(v.status).toBe('VERIFIED');
  });

  it('a claim against German documents: no Cyrillic alternation either (HERMANN is not GERMANN)', async () => {
    const { view: v } = await journey(
      'trust-names-claim',
      { docLastName: 'GERMANN', docNationality: 'CH', docIssuingCountry: 'CH' },
      { docLastName: 'GERMANN', docNationality: 'CH', docIssuingCountry: 'DE' },
      { lastName: 'Hermann' },
    );
    expect(v.reasons).toEqual(['CLAIMED_DATA_MISMATCH']);
  });
});

describe('the events of these journeys stay thin', () => {
  it('no document number or digest leaves in an event', () => {
    const all = JSON.stringify(system.events);
    expect(system.events.length).toBeGreaterThan(10);
    expect(all).not.toMatch(/DENIED-PERMIT-1|LABEL-P-1|LT-CARD-77|[0-9a-f]{64}/);
  });
});
