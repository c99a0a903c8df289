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
