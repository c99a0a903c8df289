/**
 * A second approval in the review console (docs/console.md): with a risky reason configured, the first
 * approval is recorded and the console says who gave it and that a different reviewer decides.
 */
import type { Browser } from 'playwright-core';
import { MultidocClient } from '../../client';
import { type ConsoleServer, startConsole } from '../../console/server';
import type { LocalSystem } from '../../local/system';
import { startTestSystem, twoStepJourney } from '../integration/helpers';
import { seriousFindings } from '../support/axe';
import { launchChromium } from '../support/chromium';

jest.setTimeout(120_000);

let risky: LocalSystem;
let browser: Browser;
let consoleTwo: ConsoleServer;

beforeAll(async () => {
  risky = await startTestSystem('console-approval', {
    context: { secondApprovalReasons: 'FIRST_NAME_MISMATCH' },
  });
  consoleTwo = await startConsole(new MultidocClient({ baseUrl: risky.apiUrl }), 0, {
    dashboardUrl: 'https://admin.idenfy.test/verifications/{scanRef}',
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await consoleTwo?.close();
  await risky?.stop();
});

it('a risky reason: the first approval waits and says so; a second reviewer decides; iDenfy tags and dashboard links', async () => {
  const { verificationId } = await twoStepJourney(
    risky,
    'console-risky',
    { docFirstName: 'JÜRGEN' },
    { docFirstName: 'PETER' },
    {},
    { overall: 'SUSPECTED', mismatchTags: ['NAME'] },
  );
  const page = await browser.newPage();
  await page.goto(consoleTwo.url);
  await page.fill('#reviewer', 'Alice Reviewer');
  await page.click(`button[data-open="${verificationId}"]`);
  await page.waitForSelector('#detail:not([hidden])');
  await page.click('#approve');
  await page.waitForSelector('#waiting:not([hidden])');
  expect(await page.textContent('#waiting')).toContain('Approved once by Alice Reviewer');
  expect(await page.textContent('#status')).toBe('REQUIRES_REVIEW');
  // The same reviewer again: refused beside the buttons.
  await page.click('#approve');
  await page.waitForSelector('#decideError:has-text("approved it already")');
  await page.fill('#reviewer', 'Bob Reviewer');
  await page.click('#approve');
  await page.waitForSelector('#status.VERIFIED');
  expect(await page.isHidden('#waiting')).toBe(true);
  // iDenfy's own verdicts per session, and a link to each session in its dashboard.
  const documentRow = page.locator('#sessions tr').nth(2); // the header, the identity session, the document session
  expect(await documentRow.textContent()).toContain('NAME');
  expect(await documentRow.locator('a').getAttribute('href')).toMatch(
    /^https:\/\/admin\.idenfy\.test\/verifications\/[^/]+$/,
  );
  expect(await documentRow.locator('a').getAttribute('rel')).toBe('noopener noreferrer');
  expect(await seriousFindings(page)).toEqual([]);
});

it('refuses a dashboard pattern that is no https URL or has no place for the session', async () => {
  const { checkDashboardUrl } = await import('../../console/server');
  expect(checkDashboardUrl(undefined)).toBeUndefined();
  for (const bad of [
    'https://admin.idenfy.test/verifications',
    'javascript:alert(1)//{scanRef}',
    'http://x/{scanRef}',
    '{scanRef}',
  ])
    expect(() => checkDashboardUrl(bad)).toThrow('--dashboard: an https URL with {scanRef}');
});

it('the keyboard: j/k move through the queue, r rejects after a confirmation, nothing while typing', async () => {
  const ids: string[] = [];
  for (const clientId of ['console-keys-a', 'console-keys-b']) {
    const { verificationId } = await twoStepJourney(
      risky,
      clientId,
      { docLastName: 'MÜLLER' },
      { docLastName: 'SCHMIDT' },
    );
    ids.push(verificationId);
  }
  const page = await browser.newPage();
  await page.goto(consoleTwo.url);
  await page.fill('#reviewer', 'Keyboard Reviewer');
  await page.waitForSelector(`#queue tr[data-id="${ids[1]}"]`);
  const queue = await page.evaluate(
    "[...document.querySelectorAll('#queue tr[data-id]')].map((r) => r.dataset.id)",
  );
  const order = (queue as string[]).filter((id) => ids.includes(id));
  // Typing a j into the name field moves nothing.
  await page.focus('#reviewer');
  await page.keyboard.press('j');
  expect(await page.isHidden('#detail')).toBe(true);
  await page.locator('h1').click();
  const goTo = async (key: string, id: string | undefined) => {
    await page.keyboard.press(key);
    await page.waitForSelector(`#vid:text-is("${id}")`);
  };
  // j from nothing opens the first; the ones of this test are the last two in the queue.
  for (const id of queue as string[]) {
    await goTo('j', id);
    if (id === order[1]) break;
  }
  await goTo('k', order[0]);
  // r asks first: dismissed, nothing is sent; accepted, it is rejected. One review request in all.
  const reviews: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/review')) reviews.push(r.url());
  });
  page.once('dialog', (d) => void d.dismiss());
  await page.keyboard.press('r');
  page.once('dialog', (d) => void d.accept());
  await page.keyboard.press('r');
  await page.waitForSelector('#status.REJECTED');
  expect(reviews).toHaveLength(1);
  expect(await seriousFindings(page)).toEqual([]);
});
