/** With an allow-list configured, a webhook from another address is refused (403) and stores nothing. */
import type { LocalSystem } from '../../local/system';
import { http, postWebhook, startTestSystem, startVerification } from './helpers';

jest.setTimeout(60_000);

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem('allowlist', {
    context: { webhookAllowedIps: '198.51.100.0/24, 2001:db8::/32' },
  });
});
afterAll(async () => {
  await system?.stop();
});

it('refuses a correctly signed webhook from an address not on the list', async () => {
  const { verificationId, identity } = await startVerification(system, { clientId: 'allow-list-1' });
  const res = await postWebhook(system, {
    scanRef: identity.scanRef,
    final: true,
    status: { overall: 'APPROVED' },
  });
  expect(res.status).toBe(403);
  expect(res.body).toEqual({
    error: { code: 'FORBIDDEN', message: 'source address is not on the webhook allow-list' },
  });
  const view = await http('GET', `${system.apiUrl}/verifications/${verificationId}`);
  expect(view.body.sessions).toMatchObject({ identity: { final: false, docType: null } });
});
