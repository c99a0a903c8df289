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
  consoleTwo = await startConsole(new MultidocClient({ baseUrl: risky.apiUrl }), 0);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await consoleTwo?.close();
  await risky?.stop();
});

it('a risky reason: the first approval waits and says so; a second reviewer decides', async () => {
  const { verificationId } = await twoStepJourney(
    risky,
    'console-risky',
    { docFirstName: 'JÜRGEN' },
    { docFirstName: 'PETER' },
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
  expect(await seriousFindings(page)).toEqual([]);
});
