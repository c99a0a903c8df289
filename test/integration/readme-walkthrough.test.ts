/**
 * The README's curl walkthrough, run as written against `npm start` (only its ports and events file
 * moved to free ones), twice in a row: each run must reach VERIFIED with its own event.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitForHttp } from '../../local/emulator';
import { spawnNpmStart } from '../../tools/npm-start';

const ROOT = join(__dirname, '..', '..');

/** The bash block that follows "The same journey with curl" in the README. */
function walkthrough(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const from = readme.indexOf('The same journey with curl');
  const block = /```bash\n([\s\S]*?)```/.exec(readme.slice(from));
  if (from < 0 || !block?.[1]) throw new Error('the README has no curl walkthrough');
  return block[1];
}

let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGINT');
});

it('the README’s curl walkthrough reaches VERIFIED with its own event, twice in a row; the smoke test passes', async () => {
  const started = await spawnNpmStart();
  child = started.child;
  const { eventsFile } = started;
  const { api: apiPort, simulator: simulatorPort } = started.ports;
  await waitForHttp(`http://127.0.0.1:${apiPort}/health`, 150_000, () => child?.exitCode === null);

  const script = walkthrough()
    .replaceAll('localhost:3000', `localhost:${apiPort}`)
    .replaceAll('localhost:3001', `localhost:${simulatorPort}`)
    .replaceAll('.local/events.jsonl', eventsFile);
  const run = () =>
    promisify(execFile)('timeout', ['60', 'bash', '-euo', 'pipefail', '-c', script], { cwd: ROOT });

  const ids = new Set<string>();
  for (const round of [1, 2]) {
    const { stdout } = await run();
    const lines = stdout.trim().split('\n');
    expect([round, lines.slice(-3)]).toEqual([
      round,
      ['"VERIFIED"', '"Verification Finalized"', '"VERIFIED"'],
    ]);
    expect(lines[0]).toBe('302 → the document session');
    const events = readFileSync(eventsFile, 'utf8').trim().split('\n');
    expect(events).toHaveLength(round);
    ids.add(JSON.parse(events[round - 1] ?? '{}').detail.verificationId);
  }
  expect(ids.size).toBe(2);

  // The smoke test of a deployment, against this npm start: its steps, and the one line that says it passed.
  const smoke = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'scripts/smoke.ts', '--local', '--outputs', started.outputsFile],
    { cwd: ROOT, timeout: 120_000 },
  ).catch((err: { stdout?: string; code?: number; signal?: string }) => {
    // What npm start printed says why (its warnings and errors: the functions' logs).
    const printed = started.output().split('\n').slice(-40).join('\n');
    throw new Error(`smoke exited ${err.code ?? err.signal}:\n${err.stdout}\nnpm start printed:\n${printed}`);
  });
  const lines = smoke.stdout.trim().split('\n');
  for (const step of [
    'health',
    'listen on the bus',
    'start',
    'identity result',
    'resume link',
    'document session',
    'decision',
    'event',
  ])
    expect(lines.some((l) => l.startsWith(`  ✓ ${step} `))).toBe(true);
  expect(lines.at(-1)).toMatch(/^smoke: VERIFIED in \d+\.\d s$/);
  // Named when it fails: a system that is not there.
  const missing = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/smoke.ts',
      '--local',
      '--outputs',
      join(ROOT, '.local', 'no-such-outputs.json'),
    ],
    { cwd: ROOT },
  ).catch((err: { code: number; stdout: string }) => err);
  expect('code' in missing ? missing.code : 0).toBe(1);
  expect(missing.stdout).toContain('smoke: FAILED at setup');
  expect(missing.stdout).toContain('npm start');
}, 240_000);
