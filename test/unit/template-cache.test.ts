/** npm start reuses the synthesized template while its inputs are unchanged (keyed by their hash). */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cacheDir = mkdtempSync(join(tmpdir(), 'multidoc-template-cache-'));
process.env.LOCAL_TEMPLATE_CACHE = cacheDir;
// Imported after the cache directory is set (it is read once, at load).
const { inputsHash, synthTemplate } =
  require('../../local/template') as typeof import('../../local/template');

afterAll(() => {
  delete process.env.LOCAL_TEMPLATE_CACHE;
});

it('synthesizes once, then serves the cached template until the context (or a source) changes', () => {
  const first = synthTemplate({});
  const files = readdirSync(cacheDir);
  expect(files).toEqual([`template-${inputsHash({})}.json`]);
  expect(Object.keys(first.Resources).length).toBeGreaterThan(50);

  // Proof that the second call reads the cache: a marker put into the cached file comes back.
  const path = join(cacheDir, files[0] as string);
  const marked = { ...JSON.parse(readFileSync(path, 'utf8')), marker: 'from the cache' };
  writeFileSync(path, JSON.stringify(marked));
  expect(synthTemplate({})).toMatchObject({ marker: 'from the cache' });

  // Another configuration is another key: synthesized afresh, not served the cached one.
  const upfront = synthTemplate({ documentSessionMode: 'upfront' });
  expect(upfront).not.toHaveProperty('marker');
  expect(inputsHash({ documentSessionMode: 'upfront' })).not.toBe(inputsHash({}));
  expect(readdirSync(cacheDir)).toHaveLength(2);
});
