/**
 * A person in headless Chromium: opens the local page, starts a verification, clicks through both of
 * the simulator's hosted steps and sees VERIFIED with its match report.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { LocalSystem } from '../../local/system';
import {
  http,
  simComplete,
  startTestSystem,
  startVerification,
  twoStepJourney,
  waitForEvents,
} from '../integration/helpers';
import { seriousFindings } from '../support/axe';
import { launchChromium } from '../support/chromium';

jest.setTimeout(90_000);

let system: LocalSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startTestSystem('browser');
  browser = await launchChromium();
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

  // Back on the page, which puts the verification in its URL.
  await page.waitForURL(/\/\?verification=/);
  await page.waitForSelector('#status.VERIFIED', { timeout: 30_000 });
  expect(await page.textContent('#summary')).toContain('both documents show the same person');
  expect(await page.textContent('#steps')).toMatch(
    /Identity document and selfie ✓.*Second document ✓.*Decision ✓/,
  );
  const report = await page.textContent('#report');
  expect(report).toContain('identity document ↔ second document');
  expect(report).toContain('MATCH');
  expect(report).toContain('ODEGARD ↔ ODEGARD');
  const sessions = await page.textContent('#sessions');
  expect(sessions).toContain('RESIDENCE_PERMIT');
  expect(await seriousFindings(page)).toEqual([]);

  const shots = join(__dirname, '..', '..', '.local');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'browser-verified.png'), fullPage: true });

  const verificationId = (await page.textContent('#vid')) ?? '';
  const events = await waitForEvents(system, verificationId, 'the event');
  expect(events).toHaveLength(1);
  expect(events[0]?.detail.status).toBe('VERIFIED');

  // A new tab (or a shared link) shows the same verification from the URL alone.
  const other = await browser.newPage();
  await other.goto(page.url());
  await other.waitForSelector('#status.VERIFIED');
  expect(await other.textContent('#vid')).toBe(verificationId);
  expect(await other.textContent('#list')).toContain(verificationId);
});

it('at a phone’s width (360 px) nothing overflows; cancel ends a verification and says so in words', async () => {
  const page = await browser.newPage({ viewport: { width: 360, height: 740 } });
  await page.goto(system.apiUrl);
  await page.fill('input[name=clientId]', 'browser-phone-1');
  await page.click('#startButton');
  await page.waitForSelector('#status.PENDING');
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
  // Resume asks the API where the person left off: still the identity step, the same link.
  const link = await page.getAttribute('#flow', 'href');
  await page.evaluate("document.getElementById('flow').href = 'about:blank'");
  await page.click('#resume');
  await page.waitForFunction(`document.getElementById('flow').href === ${JSON.stringify(link)}`);
  page.once('dialog', (d) => void d.accept());
  await page.click('#cancel');
  await page.waitForSelector('#status.EXPIRED');
  expect(await page.textContent('#summary')).toBe('Ended without a decision: the client cancelled it.');
  // Nothing that did not happen is marked done.
  expect(await page.textContent('#steps')).toBe(
    'Identity document and selfie (not done)Second document (not done)Decision ✓',
  );
  expect(await page.textContent('#report')).toContain('Decided without comparing the documents');
  expect(await page.isHidden('#cancel')).toBe(true);
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
  const icon = await page.request.get(`${system.apiUrl}/favicon.ico`);
  expect(icon.status()).toBe(200);
});

it('shows the API’s validation message for a bad start', async () => {
  const page = await browser.newPage();
  await page.goto(system.apiUrl);
  await page.fill('input[name=clientId]', 'has spaces');
  await page.click('#startButton');
  await page.waitForSelector('#error:has-text("clientId")');
  // The faulty field is marked and focused, and the message is announced (role=alert).
  expect(await page.getAttribute('input[name=clientId]', 'aria-invalid')).toBe('true');
  expect(await page.evaluate("document.activeElement && document.activeElement.getAttribute('name')")).toBe(
    'clientId',
  );
  expect(await page.getAttribute('#error', 'role')).toBe('alert');
});

it('has no serious or critical accessibility findings (axe-core, WCAG 2 AA), empty and with a decision', async () => {
  const page = await browser.newPage();
  await page.goto(system.apiUrl);
  expect(await seriousFindings(page)).toEqual([]);
  await page.fill('input[name=clientId]', 'browser-a11y-1');
  await page.click('#startButton');
  await page.waitForSelector('#status.PENDING');
  page.once('dialog', (d) => void d.accept());
  await page.click('#cancel');
  await page.waitForSelector('#status.EXPIRED');
  expect(await seriousFindings(page)).toEqual([]);
});

it('at 390 px every table is readable without scrolling sideways: rows stack as "column: value"', async () => {
  const person = { docFirstName: 'JÜRGEN', docLastName: 'MÜLLER', docDob: '1985-03-02' };
  const { verificationId, view } = await twoStepJourney(system, 'browser-narrow-report', person, {
    ...person,
    docLastName: 'SCHMIDT-HOFFMANNSTHAL',
  });
  expect(view.status).toBe('REQUIRES_REVIEW');
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${system.apiUrl}/?verification=${verificationId}`);
  await page.waitForSelector('#status.REQUIRES_REVIEW');
  await page.waitForSelector('#list td');
  const overflowing = await page.evaluate(`[...document.querySelectorAll('.scroll')]
    .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.firstElementChild.id)`);
  expect(overflowing).toEqual([]);
  // Each value is named by its column, and nothing is lost: the verdict and the names are there.
  const firstMismatch = page.locator('#report td.MISMATCH').first();
  expect(await firstMismatch.getAttribute('data-label')).toBe('verdict');
  expect(await page.textContent('#report')).toContain('MULLER ↔ SCHMIDT HOFFMANNSTHAL');
  // Each thing said once: the field's own line, not its reason code's words as well.
  expect(await page.textContent('#summary')).toBe(
    'A person will review it: Last name differs (identity document ↔ second document: MULLER / SCHMIDT HOFFMANNSTHAL).',
  );
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  expect(await seriousFindings(page)).toEqual([]);
  const shots = join(__dirname, '..', '..', '.local');
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'browser-report-390.png'), fullPage: true });
});

it('a reviewer’s approval is shown as such, not as an automatic verification', async () => {
  const person = { docFirstName: 'ANNA', docLastName: 'NOWAK', docDob: '1990-05-05' };
  const { verificationId } = await twoStepJourney(system, 'browser-reviewed', person, {
    ...person,
    docLastName: 'KOWALSKA',
  });
  const reviewed = await http('POST', `${system.apiUrl}/verifications/${verificationId}/review`, {
    decision: 'APPROVE',
    reviewer: 'Alice',
    note: 'Married name; marriage certificate seen',
  });
  expect(reviewed.status).toBe(200);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${system.apiUrl}/?verification=${verificationId}`);
  await page.waitForSelector('#status.VERIFIED');
  expect(await page.textContent('#summary')).toBe(
    'Approved by a reviewer, after: Last name differs (identity document ↔ second document: NOWAK / KOWALSKA).',
  );
});

describe('every state right from its URL (1280 px)', () => {
  it('a pending verification opened from its link offers to continue through the API, never a dead link', async () => {
    const { verificationId } = await startVerification(system, { clientId: 'browser-from-url' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The first read of the verification is held back while the person types another client id.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    await page.route(`**/verifications/${verificationId}`, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${system.apiUrl}/?verification=${verificationId}`);
    await page.fill('input[name=clientId]', 'browser-typed-meanwhile');
    release();
    await page.waitForSelector('#status.PENDING');
    await page.unroute(`**/verifications/${verificationId}`);
    expect(await page.inputValue('input[name=clientId]')).toBe('browser-typed-meanwhile');

    // No link known yet: no "Continue at iDenfy" pointing nowhere; the API gives the link.
    expect(await page.isHidden('#flow')).toBe(true);
    expect(await page.textContent('#resume')).toBe('Continue where I left off');
    await page.fill('input[name=clientId]', 'browser-from-url');
    await page.click('#resume');
    await page.waitForSelector('#flow:not([hidden])');
    expect(await page.getAttribute('#flow', 'href')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(await page.textContent('#vid')).toBe(verificationId);

    // Cancel asks first: declining keeps the verification going.
    page.once('dialog', (d) => void d.dismiss());
    await page.click('#cancel');
    await page.waitForTimeout(1_500);
    expect(await page.textContent('#status')).toBe('PENDING');
  });

  it('after an identity denial the second document is "not needed", not done', async () => {
    const { verificationId, identity } = await startVerification(system, { clientId: 'browser-denied' });
    await simComplete(system, identity.scanRef, { overall: 'DENIED' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${system.apiUrl}/?verification=${verificationId}`);
    await page.waitForSelector('#status.REJECTED');
    expect(await page.textContent('#steps')).toBe(
      'Identity document and selfie ✓Second document (not needed)Decision ✓',
    );
    expect(await page.textContent('#summary')).toBe('Rejected: iDenfy denied the identity step.');
    expect(await page.isHidden('#flow')).toBe(true);
    expect(await page.isHidden('#resume')).toBe(true);
    const shots = join(__dirname, '..', '..', '.local');
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'browser-denied-1280.png'), fullPage: true });
  });
});

it('with-proof-of-address: the hosted document step offers the utility bill; what it reads is judged', async () => {
  const run = async (clientId: string, proof: string, tooOld: boolean) => {
    const page = await browser.newPage();
    await page.goto(system.apiUrl);
    await page.fill('input[name=clientId]', clientId);
    await page.fill('input[name=address]', 'Žirmūnų g. 70-12, Vilnius');
    await page.selectOption('select[name=plan]', 'with-proof-of-address');
    await page.click('#startButton');
    await page.waitForSelector('#status.PENDING');
    await page.click('#flow');
    await page.waitForSelector('h1:has-text("Identity verification")');
    // The identity step asks for no additional step.
    expect(await page.locator('legend', { hasText: 'Additional steps' }).count()).toBe(0);
    await page.click('#finish');
    await page.waitForSelector('h1:has-text("Document verification")');
    expect(await page.textContent('form')).toContain('Additional steps: UTILITY_BILL (EXTRACT)');
    await page.fill('input[name=utilityBillAddress]', proof);
    if (tooOld) await page.check('input[name=utilityBillTooOld]');
    await page.click('#finish');
    await page.waitForURL(/\/\?verification=/);
    await page.waitForSelector('#status:not(.PENDING)', { timeout: 30_000 });
    return page;
  };
  const matched = await run('browser-poa-1', 'ZIRMUNU GATVE 70 butas 12, Vilnius', false);
  expect(await matched.getAttribute('#status', 'class')).toContain('VERIFIED');
  const old = await run('browser-poa-2', 'Žirmūnų g. 70-12, Vilnius', true);
  expect(await old.getAttribute('#status', 'class')).toContain('REQUIRES_REVIEW');
  expect(await old.textContent('#summary')).toContain('the proof of address is too old');
});
