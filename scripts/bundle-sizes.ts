/**
 * Prints synth time, each Lambda bundle's size as `cdk synth` builds it (local esbuild), and the time
 * to load each bundle in a fresh Node process compared with an empty one (median of 7, same run).
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { DEFAULT_CONFIG } from '../lib/config';
import { MultidocStack } from '../lib/multidoc-stack';
import { HANDLER_METADATA_KEY } from '../lib/node-function';

const outdir = mkdtempSync(join(tmpdir(), 'multidoc-bundles-'));
const started = performance.now();
const app = new App({ outdir });
new MultidocStack(app, 'IdenfyMultidoc', { config: DEFAULT_CONFIG });
app.synth();
console.log(`synth with bundling: ${((performance.now() - started) / 1000).toFixed(1)} s`);
const { NODE_OPTIONS: _loader, ...inherited } = process.env;
const env = {
  ...inherited,
  TABLE_NAME: 't',
  QUEUE_URL: 'https://sqs.example/q',
  EVENT_BUS_NAME: 'b',
  SECRET_ID: 's',
  AWS_REGION: 'us-east-1',
};
function runMs(code: string): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['-e', code], { env });
  if (r.status !== 0) throw new Error(String(r.stderr));
  return performance.now() - t;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const template = JSON.parse(readFileSync(join(outdir, 'IdenfyMultidoc.template.json'), 'utf8'));
type Fn = { Type: string; Metadata?: Record<string, string>; Properties: { Code: { S3Key: string } } };
const bundles = (Object.values(template.Resources) as Fn[])
  .filter((r) => r.Type === 'AWS::Lambda::Function')
  .map((r) => {
    // The code asset is staged as asset.<hash>; the template names it <hash>.zip.
    const dir = join(outdir, `asset.${r.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
    const size = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    return {
      name: String(r.Metadata?.[HANDLER_METADATA_KEY]),
      file: join(dir, 'index.js'),
      size,
      runs: [] as number[],
    };
  });
// Interleaved rounds, so machine noise hits the empty process and the bundles alike.
const baseline: number[] = [];
for (let round = 0; round < 9; round++) {
  baseline.push(runMs(''));
  for (const b of bundles) b.runs.push(runMs(`require(${JSON.stringify(b.file)})`));
}
console.log(`empty node process: ${median(baseline).toFixed(0)} ms (median of ${baseline.length})`);
for (const b of bundles) {
  const extra = median(b.runs) - median(baseline);
  console.log(
    `${b.name.padEnd(11)} ${(b.size / 1024).toFixed(0).padStart(5)} KiB minified, +${extra.toFixed(0)} ms to load`,
  );
}
rmSync(outdir, { recursive: true, force: true });
