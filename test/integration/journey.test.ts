/**
 * The full journey against moto (server mode) and the iDenfy simulator over real sockets:
 * start → identity webhook → continue → document webhook → comparator → event on the bus.
 */
import type { LocalSystem } from '../../local/system';
import {
  continueToDocument,
  eventsFor,
  http,
  postWebhook,
  settled,
  simComplete,
  simSessions,
  startTestSystem,
  startVerification,
  waitFor,
  waitForEvents,
} from './helpers';

jest.setTimeout(60_000);

let system: LocalSystem;

beforeAll(async () => {
  system = await startTestSystem('journey');
});

afterAll(async () => {
  await system?.stop();
});

const person = { firstName: 'Jürgen', lastName: 'Müller-Lüdenscheidt', dateOfBirth: '1985-03-02' };

async function statusOf(id: string) {
  return (await http('GET', `${system.apiUrl}/verifications/${id}`)).body as {
    status: string;
    reasons: string[];
    sessions: { identity: Record<string, unknown>; document: Record<string, unknown> | null };
    report: Record<string, unknown> | null;
  };
}

describe('two-session journey', () => {
  it('verifies the same person across an ID card and a residence permit, and publishes one event', async () => {
    const clientId = 'journey-happy-1';
    const { verificationId, identity, start } = await startVerification(system, {
      clientId,
      ...person,
      successUrl: 'https://client.example/done',
      errorUrl: 'https://client.example/failed',
      unverifiedUrl: 'https://client.example/review',
    });
    expect(start.body).toMatchObject({ clientId, method: 'TWO_SESSIONS', status: 'PENDING' });
    expect(start.body.redirectUrl).toBe(
      `${system.simulator?.url}/api/v2/redirect?authToken=${identity.authToken}`,
    );
    expect(identity.callbackUrl).toBe(`${system.apiUrl}/webhooks/idenfy`);
    expect(identity.successUrl).toContain(`/verifications/${verificationId}/continue?t=`);
    // Just in time: no document session before the identity step ends.
    expect((await simSessions(system, clientId)).length).toBe(1);

    const identityDone = await simComplete(system, identity.scanRef, { overall: 'APPROVED' });
    expect(identityDone.deliveries).toEqual([{ status: 200, attempts: 1 }]);
    expect(identityDone.redirectTo).toBe(identity.successUrl);

    const { location, document } = await continueToDocument(
      system,
      identityDone.redirectTo,
      clientId,
      verificationId,
    );
    expect(document).toBeDefined();
    expect(location).toBe(`${system.simulator?.url}/api/v2/redirect?authToken=${document?.authToken}`);
    expect(document?.successUrl).toBe('https://client.example/done');
    expect(document?.clientId).toBe(clientId);

    // The permit writes the names without diacritics: still the same person.
    const documentDone = await simComplete(system, document?.scanRef ?? '', {
      overall: 'APPROVED',
      data: { docFirstName: 'JURGEN', docLastName: 'MULLER LUDENSCHEIDT', docType: 'RESIDENCE_PERMIT' },
    });
    expect(documentDone.redirectTo).toBe('https://client.example/done');

    const [event] = await waitForEvents(system, verificationId, 'the Verification Finalized event');
    expect(event?.['detail-type']).toBe('Verification Finalized');
    expect(event?.source).toBe('idenfy.multidoc');
    expect(event?.detail).toMatchObject({
      schemaVersion: 1,
      eventId: `${verificationId}#1`,
      verificationId,
      clientId,
      method: 'TWO_SESSIONS',
      status: 'VERIFIED',
      previousStatus: 'PENDING',
      reasons: [],
      sessions: {
        identity: { scanRef: identity.scanRef, overall: 'APPROVED' },
        document: { scanRef: document?.scanRef, overall: 'APPROVED', docType: 'RESIDENCE_PERMIT' },
      },
      checks: {
        firstName: { verdict: 'MATCH', score: 1 },
        lastName: { verdict: 'MATCH', score: 1 },
        dateOfBirth: { verdict: 'MATCH', score: 1 },
      },
    });
    // Thin events: no names or dates of birth.
    const serialized = JSON.stringify(event);
    for (const secret of ['JURGEN', 'JÜRGEN', 'Jürgen', 'MULLER', '1985-03-02'])
      expect(serialized).not.toContain(secret);

    const view = await statusOf(verificationId);
    expect(view.status).toBe('VERIFIED');
    expect(view.reasons).toEqual([]);
    expect(view.sessions.identity).toMatchObject({
      scanRef: identity.scanRef,
      overall: 'APPROVED',
      final: true,
    });
    expect(view.sessions.document).toMatchObject({
      overall: 'APPROVED',
      final: true,
      docType: 'RESIDENCE_PERMIT',
    });
    expect(view.report).toMatchObject({
      pairs: {
        'identity~document': {
          firstName: { verdict: 'MATCH', method: 'exact', compared: ['JURGEN', 'JURGEN'] },
        },
      },
      documentChecks: { documentType: { value: 'RESIDENCE_PERMIT', allowed: true } },
    });
    // No document numbers, file URLs or auth tokens in the status view.
    const viewText = JSON.stringify(view);
    expect(viewText).not.toMatch(/RP1234567|ID7654321|FRONT\.png|authToken/);

    await settled(system);
    expect(eventsFor(system, verificationId)).toHaveLength(1);
  });

  it('answers a second start for a pending client with the same verification (200)', async () => {
    const first = await http('POST', `${system.apiUrl}/verifications`, { clientId: 'journey-pending-1' });
    const second = await http('POST', `${system.apiUrl}/verifications`, { clientId: 'journey-pending-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.verificationId).toBe(first.body.verificationId);
    expect(await simSessions(system, 'journey-pending-1')).toHaveLength(1);
  });

  it('resumes where the person left off: Back after the identity step never leads to its used-up link', async () => {
    const clientId = 'journey-resume';
    const { verificationId, identity } = await startVerification(system, { clientId });
    // The person finishes the identity step, then closes the tab (or presses Back) before the document step.
    await simComplete(system, identity.scanRef, {});
    const again = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect([again.status, again.body.verificationId]).toEqual([200, verificationId]);
    const link = again.body.redirectUrl as string;
    expect(link).not.toBe(
      identity.successUrl.length > 0
        ? `${system.simulator?.url}/api/v2/redirect?authToken=${identity.authToken}`
        : '',
    );
    expect(link).toContain(`/verifications/${verificationId}/continue`);
    const followed = await http('GET', link);
    expect(followed.status).toBe(302);
    const documentUrl = followed.headers.get('location');
    // Once the document session exists, a repeated start goes straight to it; no new token, ever.
    const third = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect(third.body.redirectUrl).toBe(documentUrl);
    expect((await simSessions(system, clientId)).map((s) => s.tokenType).sort()).toEqual([
      'DOCUMENT',
      'IDENTIFICATION',
    ]);
  });

  it('rejects at once when the identity is denied, without creating a document session', async () => {
    const clientId = 'journey-denied-1';
    const { verificationId, identity } = await startVerification(system, {
      clientId,
      errorUrl: 'https://client.example/failed',
    });
    const done = await simComplete(system, identity.scanRef, { overall: 'DENIED' });
    expect(done.redirectTo).toContain('outcome=error');

    await waitFor(
      () => (eventsFor(system, verificationId).length > 0 ? true : undefined),
      'the REJECTED event',
    );
    const [event] = eventsFor(system, verificationId);
    expect(event?.detail).toMatchObject({ status: 'REJECTED', reasons: ['IDENTITY_SESSION_DENIED'] });
    expect(event?.detail.sessions).toMatchObject({ document: null });

    const cont = await http('GET', done.redirectTo);
    expect(cont.status).toBe(302);
    expect(cont.headers.get('location')).toBe('https://client.example/failed');
    expect((await simSessions(system, clientId)).filter((s) => s.tokenType === 'DOCUMENT')).toHaveLength(0);
  });

  it('waits for the final result: final:false records but decides nothing; a late final:false changes nothing', async () => {
    const clientId = 'journey-two-wave-1';
    const { verificationId, identity } = await startVerification(system, { clientId });
    const base = {
      scanRef: identity.scanRef,
      externalRef: verificationId,
      clientId,
      data: { docFirstName: 'JOHN', docLastName: 'SAMPLE', docDob: '1990-01-01', docType: 'ID_CARD' },
    };
    // Automatic result (denied, preliminary), then the reviewer approves, then a stale preliminary one arrives.
    const interim = await postWebhook(system, { ...base, final: false, status: { overall: 'DENIED' } });
    expect(interim.status).toBe(200);
    expect(interim.body.status).toBe('recorded');
    await settled(system);
    expect((await statusOf(verificationId)).status).toBe('PENDING');
    expect((await statusOf(verificationId)).sessions.identity).toMatchObject({
      overall: 'DENIED',
      final: false,
    });
    expect(eventsFor(system, verificationId)).toHaveLength(0);

    const final = await postWebhook(
      system,
      { ...base, final: true, status: { overall: 'APPROVED' } },
      { eventType: 'IDENTIFICATION_MANUAL_FINISHED' },
    );
    expect(final.body.status).toBe('recorded');
    const late = await postWebhook(system, { ...base, final: false, status: { overall: 'SUSPECTED' } });
    expect(late.status).toBe(200);
    expect(late.body.status).toBe('superseded');
    expect((await statusOf(verificationId)).sessions.identity).toMatchObject({
      overall: 'APPROVED',
      final: true,
    });
    expect((await statusOf(verificationId)).status).toBe('PENDING');
  });

  it('answers an exact duplicate webhook 200 and publishes only one event', async () => {
    const clientId = 'journey-dup-1';
    const { verificationId, identity } = await startVerification(system, { clientId });
    await simComplete(system, identity.scanRef, { overall: 'DENIED' });
    await waitFor(() => (eventsFor(system, verificationId).length > 0 ? true : undefined), 'the event');
    const session = system.simulator?.sessions.get(identity.scanRef);
    const sent = session?.webhooks[0];
    const again = await postWebhook(system, sent);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('duplicate');
    // The same content serialised differently (re-signed) is a duplicate too.
    const reformatted = JSON.stringify(sent, null, 2);
    const resigned = await postWebhook(system, undefined, { raw: reformatted });
    expect(resigned.body.status).toBe('duplicate');
    await settled(system);
    expect(eventsFor(system, verificationId)).toHaveLength(1);
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const clientId = 'journey-badsig-1';
    const { verificationId, identity } = await startVerification(system, { clientId });
    const payload = { scanRef: identity.scanRef, final: true, status: { overall: 'APPROVED' }, data: {} };
    const wrong = await postWebhook(system, payload, { signature: 'a'.repeat(64) });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({
      error: { code: 'INVALID_SIGNATURE', message: 'Idenfy-Signature: missing or does not match the body' },
    });
    const missing = await http('POST', `${system.apiUrl}/webhooks/idenfy`, payload);
    expect(missing.status).toBe(401);
    const view = await statusOf(verificationId);
    expect(view.sessions.identity).toEqual({ scanRef: identity.scanRef, final: false, docType: null });
  });

  it('ignores a webhook for a session this deployment never created', async () => {
    const res = await postWebhook(system, {
      scanRef: '00000000-0000-4000-8000-000000000000',
      final: true,
      status: { overall: 'APPROVED' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ignored' });
  });

  it('answers 400 naming the missing keys of a malformed webhook', async () => {
    const notJson = await postWebhook(system, undefined, { raw: '{"scanRef":' });
    expect(notJson.status).toBe(400);
    expect((notJson.body.error as { message: string }).message).toContain('malformed JSON');
    const noOverall = await postWebhook(system, { scanRef: 'x', status: {} });
    expect(noOverall.status).toBe(400);
    expect((noOverall.body.error as { message: string }).message).toContain('status.overall');
  });

  it('answers 400 naming the field for a bad start request, and stores nothing', async () => {
    const res = await http('POST', `${system.apiUrl}/verifications`, {
      clientId: 'bad-dob-1',
      dateOfBirth: '1990-02-30',
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect((res.body.error as { message: string }).message).toMatch(/^dateOfBirth: /);
    expect(await simSessions(system, 'bad-dob-1')).toHaveLength(0);
  });

  it('refuses a forged or cross-verification continue link and creates nothing', async () => {
    const a = await startVerification(system, { clientId: 'journey-link-a' });
    const b = await startVerification(system, { clientId: 'journey-link-b' });
    const linkOfA = new URL(a.identity.successUrl);
    const forged = await http(
      'GET',
      `${system.apiUrl}/verifications/${a.verificationId}/continue?t=1.abc&outcome=success`,
    );
    expect(forged.status).toBe(403);
    const crossed = await http(
      'GET',
      `${system.apiUrl}/verifications/${b.verificationId}/continue${linkOfA.search}`,
    );
    expect(crossed.status).toBe(403);
    const oddOutcome = await http(
      'GET',
      `${a.identity.successUrl.replace('outcome=success', 'outcome=maybe')}`,
    );
    expect(oddOutcome.status).toBe(400);
    // The browser gets a page for the person, never JSON.
    expect(oddOutcome.headers.get('content-type')).toMatch(/^text\/html/);
    expect(String(oddOutcome.body)).toContain('This link is not valid');
    expect(
      (await simSessions(system, 'journey-link-b')).filter((s) => s.tokenType === 'DOCUMENT'),
    ).toHaveLength(0);
  });

  it('maps iDenfy failures to 502/503 and leaves nothing half-written', async () => {
    system.simulator?.injectFault({
      path: '/api/v2/token',
      status: 500,
      identifier: 'INTERNAL_ERROR',
      times: 3,
    });
    const failed = await http('POST', `${system.apiUrl}/verifications`, { clientId: 'journey-idenfy-down' });
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatchObject({ code: 'IDENFY_ERROR' });

    system.simulator?.injectFault({
      path: '/api/v2/token',
      status: 429,
      identifier: 'TOO_MANY_REQUESTS',
      times: 3,
    });
    const throttled = await http('POST', `${system.apiUrl}/verifications`, {
      clientId: 'journey-idenfy-down',
    });
    expect(throttled.status).toBe(503);
    expect(throttled.headers.get('retry-after')).toBe('60');

    // Nothing was stored: the retry creates a fresh verification.
    const retried = await http('POST', `${system.apiUrl}/verifications`, { clientId: 'journey-idenfy-down' });
    expect(retried.status).toBe(201);
  });

  it('iDenfy down at the continue link: the person sees a page with "Try again" on the same link, which then works', async () => {
    const clientId = 'journey-continue-down';
    const { identity } = await startVerification(system, { clientId });
    const done = await simComplete(system, identity.scanRef, {});
    system.simulator?.injectFault({
      path: '/api/v2/token',
      status: 500,
      identifier: 'INTERNAL_ERROR',
      times: 3,
    });
    const page = await http('GET', done.redirectTo);
    expect(page.status).toBe(502);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = String(page.body);
    expect(html).toContain('The identity service did not answer');
    const retry = /<a class="button" href="([^"]+)">Try again<\/a>/.exec(html)?.[1]?.replaceAll('&#38;', '&');
    expect(retry).toBe(done.redirectTo);
    const again = await http('GET', retry ?? '');
    expect(again.status).toBe(302);
    expect((await simSessions(system, clientId)).map((s) => s.tokenType).sort()).toEqual([
      'DOCUMENT',
      'IDENTIFICATION',
    ]);
  });
});
