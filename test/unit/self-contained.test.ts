/** The repository explains itself: nothing in it points at documents outside it. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SKIP = new Set(['node_modules', 'cdk.out', '.local', '.git', 'coverage']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|md|ya?ml|json|html|sh)$/.test(name) && name !== 'package-lock.json' ? [path] : [];
  });
}

describe('a self-contained repository', () => {
  it('cites its own docs, never the brief or the API notes it was built from', () => {
    // Built from parts, so that this file does not itself name what it looks for.
    const [brief, notes] = ['DESIGN', ['API', 'FACTS'].join('-')];
    const outside = new RegExp(`${brief} §|${brief}\\.md|${notes}|\\.\\./shared/(idenfy|seed|${brief})`);
    const offenders = files(ROOT)
      .filter((f) => !f.endsWith('self-contained.test.ts'))
      .filter((f) => outside.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('every docs/ file a comment cites exists', () => {
    const cited = new Set(
      files(ROOT).flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/docs\/([\w-]+\.md)/g)].map((m) => m[1]),
      ),
    );
    const present = new Set(readdirSync(join(ROOT, 'docs')));
    expect([...cited].filter((c) => !present.has(c as string))).toEqual([]);
  });
});
