/**
 * The layout keeps its shape: no import circles anywhere (madge), and inside functions/ no upward
 * arrows (handlers → adapters → app → domain; shared is below all but the domain); the tooling the
 * tests and the scripts share lives in tools/, so nothing outside test/ imports test/.
 */
import { join } from 'node:path';
import madge from 'madge';

jest.setTimeout(60_000);

const ROOT = join(__dirname, '..', '..');
const DIRS = ['functions', 'lib', 'local', 'scripts', 'tools', 'test', 'client', 'console', 'bin'];

let graph: Awaited<ReturnType<typeof madge>>;
beforeAll(async () => {
  graph = await madge(
    DIRS.map((d) => join(ROOT, d)),
    { baseDir: ROOT, fileExtensions: ['ts'], tsConfig: join(ROOT, 'tsconfig.json') },
  );
});

it('has no import circles', () => {
  expect(graph.circular()).toEqual([]);
});

it('imports only inward in functions/: handlers → adapters → app → domain', () => {
  const LAYERS = ['domain', 'shared', 'app', 'adapters', 'handlers'];
  const layer = (file: string) => LAYERS.indexOf(file.split('/')[1] ?? '');
  const upward = Object.entries(graph.obj())
    .filter(([file]) => file.startsWith('functions/'))
    .flatMap(([file, deps]) =>
      deps.filter((d) => d.startsWith('functions/') && layer(d) > layer(file)).map((d) => `${file} → ${d}`),
    );
  expect(upward).toEqual([]);
});

it('imports test/ only from test/: the fake, the spawner and the SDK recorder are in tools/', () => {
  const intoTests = Object.entries(graph.obj())
    .filter(([file]) => !file.startsWith('test/'))
    .flatMap(([file, deps]) => deps.filter((d) => d.startsWith('test/')).map((d) => `${file} → ${d}`));
  expect(intoTests).toEqual([]);
  expect(graph.obj()['scripts/bench/warm-cpu.ts']).toContain('tools/in-memory.ts');
});

it('reads the graph (the check can fail): a known arrow is in it', () => {
  expect(graph.obj()['functions/handlers/token.ts']).toContain('functions/app/start-verification.ts');
});
