/** The code examples of docs/ are files that run: the typed client's, against a local system. */
import { readFileSync } from 'node:fs';
import { main as clientUsage } from '../../examples/client/usage';
import type { LocalSystem } from '../../local/system';
import { startTestSystem } from './helpers';

jest.setTimeout(60_000);

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem('examples');
});
afterAll(async () => {
  await system?.stop();
});

it('docs/client.md shows examples/client/usage.ts as it is', () => {
  const doc = readFileSync('docs/client.md', 'utf8');
  const file = readFileSync('examples/client/usage.ts', 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks).toContain(file);
});

it('examples/client/usage.ts runs: starts, reads the review queue, cancels', async () => {
  const logged: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args.join(' ')));
  try {
    const cancelled = await clientUsage(system.apiUrl);
    expect(cancelled).toMatchObject({ status: 'EXPIRED', reasons: ['CANCELLED'] });
    expect(logged[0]).toMatch(/^started [0-9a-f-]{36} http/);
  } finally {
    log.mockRestore();
  }
});
