/**
 * A person in headless Chromium: opens the local page, starts a verification, clicks through both of
 * the simulator's hosted steps and sees VERIFIED with its match report.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import type { LocalSystem } from '../../local/system';
import { startTestSystem, waitForEvents } from '../integration/helpers';

jest.setTimeout(90_000);

let system: LocalSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startTestSystem('browser');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

it('starts a verification, completes both hosted steps by clicking, and shows VERIFIED with its report', async () => {
  const page = await browser.newPage();
  await page.goto(system.apiUrl);
  await page.fill('input[name=clientId]', 'browser-person-1');
  await page.fill('input[name=firstName]', 'Zoë');
  await page.fill('input[name=lastName]', 'Ødegård');
  await page.fill('input[name=dateOfBirth]', '1992-07-14');
  await page.click('#startButton');
  await page.waitForSelector('#status.PENDING');

  await page.click('#flow');
  await page.waitForSelector('h1:has-text("Identity verification")');
  expect(await page.inputValue('input[name=docFirstName]')).toBe('ZOË');
  await page.click('#finish');

  // The continue link created the document session and sent us on to it.
  await page.waitForSelector('h1:has-text("Document verification")');
  expect(await page.inputValue('input[name=docType]')).toBe('RESIDENCE_PERMIT');
  // The permit writes the surname transliterated: still the same person.
  await page.fill('input[name=docLastName]', 'ODEGARD');
  await page.click('#finish');

  await page.waitForURL(/\/\?result=success$/);
  await page.waitForSelector('#status.VERIFIED', { timeout: 30_000 });
  const report = await page.textContent('#report');
  expect(report).toContain('identity~document');
  expect(report).toContain('MATCH');
  expect(report).toContain('ODEGARD ↔ ODEGARD');
  const sessions = await page.textContent('#sessions');
  expect(sessions).toContain('RESIDENCE_PERMIT');

  const shots = join(__dirname, '..', '..', '.local');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'browser-verified.png'), fullPage: true });

  const verificationId = (await page.textContent('#vid')) ?? '';
  const events = await waitForEvents(system, verificationId, 'the event');
  expect(events).toHaveLength(1);
  expect(events[0]?.detail.status).toBe('VERIFIED');
});

it('shows the API’s validation message for a bad start', async () => {
  const page = await browser.newPage();
  await page.goto(system.apiUrl);
  await page.fill('input[name=clientId]', 'has spaces');
  await page.click('#startButton');
  await page.waitForSelector('#error:has-text("clientId")');
});
