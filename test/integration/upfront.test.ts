/** `documentSessionMode: upfront` (iDenfy's exact recipe): both sessions at start; continue reuses. */
import type { LocalSystem } from '../../local/system';
import { http, simComplete, simSessions, startTestSystem, startVerification } from './helpers';

jest.setTimeout(60_000);

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem('upfront', { context: { documentSessionMode: 'upfront' } });
});
afterAll(async () => {
  await system?.stop();
});

it('creates both sessions at start, with the claim in both, and the continue link reuses the document session', async () => {
  const clientId = 'upfront-1';
  const { verificationId, identity } = await startVerification(system, {
    clientId,
    firstName: 'Ana',
    lastName: 'Silva',
  });
  const sessions = await simSessions(system, clientId);
  expect(sessions.map((s) => s.tokenType).sort()).toEqual(['DOCUMENT', 'IDENTIFICATION']);
  const document = sessions.find((s) => s.tokenType === 'DOCUMENT');
  expect(document?.externalRef).toBe(verificationId);
  expect(system.simulator?.sessions.get(document?.scanRef ?? '')?.request).toMatchObject({
    firstName: 'ANA',
    lastName: 'SILVA',
    documents: ['RESIDENCE_PERMIT'],
  });

  const done = await simComplete(system, identity.scanRef, { overall: 'APPROVED' });
  for (let i = 0; i < 2; i++) {
    const res = await http('GET', done.redirectTo);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toContain(document?.authToken);
  }
  expect(await simSessions(system, clientId)).toHaveLength(2);
});
