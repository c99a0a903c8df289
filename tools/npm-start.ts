/**
 * `npm start` as a person runs it (one process, so a signal reaches it directly), on free ports and with
 * its own events file, for the tests and the bench that drive the real start script.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local/emulator';

export interface StartedProcess {
  child: ChildProcess;
  ports: { api: number; simulator: number; moto: number };
  apiUrl: string;
  eventsFile: string;
  /** Its outputs, named as the deployed stack's (what `npm run smoke -- --local` reads). */
  outputsFile: string;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

export async function spawnNpmStart(env: Record<string, string> = {}): Promise<StartedProcess> {
  // The API port may be fixed by the caller: it is part of the synthesized template's inputs (the
  // default landing pages), so the same port reuses the cached template.
  const ports = {
    api: env.API_PORT ? Number(env.API_PORT) : await freePort(),
    simulator: await freePort(),
    moto: await freePort(),
  };
  const dir = mkdtempSync(join(tmpdir(), 'multidoc-start-'));
  const eventsFile = join(dir, 'events.jsonl');
  const outputsFile = join(dir, 'outputs.json');
  // Its own emulator, never the test run's.
  const { AWS_ENDPOINT_URL: _own, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: join(__dirname, '..'),
    env: {
      ...inherited,
      API_PORT: String(ports.api),
      SIMULATOR_PORT: String(ports.simulator),
      MOTO_PORT: String(ports.moto),
      EVENTS_FILE: eventsFile,
      LOCAL_OUTPUTS: outputsFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    child,
    ports,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    eventsFile,
    outputsFile,
    output: () => output,
  };
}
