/**
 * `npm start` from launch to healthy, cold (no cached template: the CDK is loaded and the stack
 * synthesized) and warm (the template reused by its inputs' hash), measured as a person would: spawn
 * the real start script, poll /health, stop it. Printed by the bench; never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForHttp } from '../../local/emulator';
import { spawnNpmStart } from '../../tools/npm-start';

async function once(cacheDir: string, apiPort: number): Promise<number> {
  const started = performance.now();
  const { child, apiUrl, output } = await spawnNpmStart({
    LOCAL_TEMPLATE_CACHE: cacheDir,
    API_PORT: String(apiPort),
  });
  try {
    await waitForHttp(`${apiUrl}/health`, 180_000, () => child.exitCode === null);
    return (performance.now() - started) / 1000;
  } catch (err) {
    throw new Error(
      `npm start did not become healthy (${String(err)}); it printed:\n${output().slice(-2_000)}`,
    );
  } finally {
    // A process that already exited fires no more 'exit': waiting for it would leave the bench's
    // promise unsettled, and node would quit silently with status 0.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  }
}

/** Seconds to healthy: the first start with an empty template cache, then `warmRuns` warm ones. */
export async function measureStartup(warmRuns: number): Promise<{ cold: number; warm: number[] }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'multidoc-startup-'));
  // One API port for every run, as a person's: the port is part of the template's inputs (before, each
  // run had a new port, so "warm" synthesized again and measured cold).
  const apiPort = await freePort();
  try {
    const cold = await once(cacheDir, apiPort);
    const warm: number[] = [];
    for (let i = 0; i < warmRuns; i++) warm.push(await once(cacheDir, apiPort));
    return { cold, warm };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
