/**
 * A reviewer in headless Chromium drives the review console (`npm run console`) against local mode:
 * the queue, a verification side by side, approve with a note, the audit trail, erasure. And the
 * console refuses what a hostile web page could send it (cross-site calls, another Host).
 */
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { MultidocClient } from '../../client';
import { type ConsoleServer, startConsole } from '../../console/server';
import type { LocalSystem } from '../../local/system';
import {
  simComplete,
  startTestSystem,
  startVerification,
  twoStepJourney,
  waitForEvents,
} from '../integration/helpers';
import { seriousFindings } from '../support/axe';
import { launchChromium } from '../support/chromium';

jest.setTimeout(120_000);

let system: LocalSystem;
let browser: Browser;
let console_: ConsoleServer;
let differentNames: string;
let uploaded: string;

beforeAll(async () => {
  system = await startTestSystem('console', {
    context: { additionalSteps: JSON.stringify({ ALL: { ALL: { RESIDENCE_PERMIT: { type: 'UPLOAD' } } } }) },
  });
  // Two verifications waiting for a person: first names that differ between the documents, then an
  // uploaded additional document.
  const a = await twoStepJourney(
    system,
    'console-a',
    { docFirstName: 'JÜRGEN', docLastName: 'MÜLLER' },
    { docFirstName: 'PETER', docLastName: 'MUELLER' },
  );
  expect(a.view.status).toBe('REQUIRES_REVIEW');
  differentNames = a.verificationId;
  const b = await startVerification(system, { clientId: 'console-b', method: 'ADDITIONAL_STEP' });
  await simComplete(system, b.identity.scanRef, {});
  await waitForEvents(system, b.verificationId);
  uploaded = b.verificationId;

  console_ = await startConsole(new MultidocClient({ baseUrl: system.apiUrl }), 0);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await console_?.close();
  await system?.stop();
});

it('shows the queue and a verification side by side; approving takes it out of the queue, audited', async () => {
  const page = await browser.newPage();
  await page.goto(console_.url);
  await page.waitForSelector(`#queue tr[data-id="${uploaded}"]`);
  const order = await page.evaluate(
    "[...document.querySelectorAll('#queue tr[data-id]')].map((r) => r.dataset.id)",
  );
  expect(order).toEqual([differentNames, uploaded]);

  await page.click(`button[data-open="${differentNames}"]`);
  await page.waitForSelector('#detail:not([hidden])');
  const fields = (await page.textContent('#fields')) ?? '';
  // The names as compared (folded: JÜRGEN is compared as JURGEN).
  expect(fields).toContain('JURGEN');
  expect(fields).toContain('PETER');
  expect(fields).toMatch(/documents: MISMATCH/);
  // Reasons in words, the code beneath.
  expect(await page.textContent('#reasons')).toContain('the first names differ');
  expect(await page.textContent('#reasons')).toContain('FIRST_NAME_MISMATCH');
  expect(await seriousFindings(page)).toEqual([]);

  // No name yet: the console says so beside the button pressed, and sends nothing.
  await page.click('#approve');
  await page.waitForSelector('#decideError:has-text("Give your name first")');
  expect(await page.textContent('#error')).toBe('');
  expect(await page.getAttribute('#reviewer', 'aria-invalid')).toBe('true');

  await page.fill('#reviewer', 'Alice Reviewer');
  await page.fill('#note', 'Peter is his second given name; checked by phone');
  await page.click('#approve');
  await page.waitForSelector('#status.VERIFIED');
  const audit = (await page.textContent('#audit')) ?? '';
  expect(audit).toContain('REVIEWED → VERIFIED');
  expect(audit).toContain('Alice Reviewer');
  expect(audit).toContain('checked by phone');
  expect(await page.isHidden('#decide')).toBe(true);
  // (Not waitForFunction: its string form is JavaScript evaluated in the page, which the console's CSP forbids.)
  await page.locator(`#queue tr[data-id="${differentNames}"]`).waitFor({ state: 'detached' });
  expect(await page.evaluate("document.querySelectorAll('#queue tr[data-id]').length")).toBe(1);

  mkdirSync(join(__dirname, '..', '..', '.local'), { recursive: true });
  await page.screenshot({
    path: join(__dirname, '..', '..', '.local', 'console-reviewed.png'),
    fullPage: true,
  });

  // What the console did is what the API holds.
  const v = await new MultidocClient({ baseUrl: system.apiUrl }).get(differentNames);
  expect(v.status).toBe('VERIFIED');
  expect(v.audit).toEqual([expect.objectContaining({ reviewer: 'Alice Reviewer', by: null })]);
});

it('uses the width at 1280 px and stacks at 390 px: reasons in words, how long each has waited', async () => {
  const wide = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await wide.goto(console_.url);
  await wide.waitForSelector(`#queue tr[data-id="${uploaded}"]`);
  const queueWidth = await wide.evaluate("document.getElementById('queue').getBoundingClientRect().width");
  // It was squeezed into 24rem (384 px) and broke codes mid-word.
  expect(queueWidth).toBeGreaterThan(450);
  const row = wide.locator(`#queue tr[data-id="${uploaded}"]`);
  expect(await row.textContent()).toContain('the uploaded document needs a person');
  expect(await row.locator('td[data-label=waiting]').textContent()).toMatch(/^\d+ (min|h|days)$/);

  const narrow = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await narrow.goto(console_.url);
  await narrow.click(`button[data-open="${uploaded}"]`);
  await narrow.waitForSelector('#detail:not([hidden])');
  expect(await narrow.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  const overflowing = await narrow.evaluate(
    "[...document.querySelectorAll('.scroll')].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.firstElementChild.id)",
  );
  expect(overflowing).toEqual([]);
  expect(await seriousFindings(narrow)).toEqual([]);
  await narrow.screenshot({ path: join(__dirname, '..', '..', '.local', 'console-390.png'), fullPage: true });
});

it('erases a verification after a confirmation; it leaves the queue', async () => {
  const page = await browser.newPage();
  await page.goto(console_.url);
  await page.click(`button[data-open="${uploaded}"]`);
  await page.waitForSelector('#detail:not([hidden])');
  await page.click('#erase');
  await page.click('#eraseConfirm');
  await page.waitForSelector('#status:has-text("(erased)")');
  expect(await page.textContent('#audit')).toContain('ERASURE_REQUESTED');
  await page.waitForSelector('#queue:has-text("Nobody is waiting")');
});

it('refuses cross-site calls and other Hosts (what a hostile page or DNS rebinding would send)', async () => {
  const plain = await fetch(`${console_.url}/api/queue`);
  expect(plain.status).toBe(403);
  const withHeader = await fetch(`${console_.url}/api/queue`, { headers: { 'x-review-console': '1' } });
  expect(withHeader.status).toBe(200);
  const port = new URL(console_.url).port;
  const rebound = await new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/queue',
        headers: { host: `evil.example:${port}`, 'x-review-console': '1' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
  expect(rebound).toBe(403);
  const form = await fetch(`${console_.url}/api/verifications/${uploaded}/review`, {
    method: 'POST',
    headers: { 'x-review-console': '1', 'content-type': 'text/plain' },
    body: '{"decision":"APPROVE","reviewer":"x"}',
  });
  expect(form.status).toBe(415);
});

it("passes the API's own 4xx through: a malformed or unknown id is the caller's error, not an unreachable API", async () => {
  const headers = { 'x-review-console': '1' };
  const malformed = await fetch(`${console_.url}/api/verifications/%E0%A4%A`, { headers });
  expect(malformed.status).toBe(400);
  expect(await malformed.json()).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
  const unknown = await fetch(`${console_.url}/api/verifications/no-such-verification`, { headers });
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  // A review with a bidi control in the note: the API's 400, naming the field.
  const bidi = await fetch(`${console_.url}/api/verifications/${uploaded}/review`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ decision: 'APPROVE', reviewer: 'x', note: 'ok \u202Eko' }),
  });
  expect(bidi.status).toBe(400);
  expect(((await bidi.json()) as { error: { message: string } }).error.message).toMatch(/^note: /);
});

it('shows a proof of address beside the claim: what differs, and why it waits for a person', async () => {
  const { verificationId, view } = await twoStepJourney(
    system,
    'console-address',
    {},
    { additionalData: { UTILITY_BILL: { address: { value: 'Gedimino pr. 9-4, Vilnius', status: null } } } },
    { address: 'Gedimino pr. 9-3, Vilnius' },
    { additionalSteps: { UTILITY_BILL: 'EXTRACT' }, additionalStepStatus: 'VALID' },
  );
  expect(view.reasons).toEqual(['ADDRESS_MISMATCH']);
  const page = await browser.newPage();
  await page.goto(console_.url);
  await page.click(`button[data-open="${verificationId}"]`);
  await page.waitForSelector('#detail:not([hidden])');
  expect(await page.textContent('#reasons')).toContain('the proof of address shows another address');
  const row = page.locator('#checks tr', { hasText: 'proof of address' });
  expect(await row.textContent()).toContain('not ok');
  expect(await row.textContent()).toContain('on the proof: Gedimino pr. 9-4, Vilnius');
  expect(await row.textContent()).toContain('claimed: Gedimino pr. 9-3, Vilnius');
  expect(await row.textContent()).toContain('differs: flat');
  expect(await seriousFindings(page)).toEqual([]);
});
