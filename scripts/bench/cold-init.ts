/**
 * Cold init per handler: the bundle `cdk synth` builds (local esbuild), its size (minified, gzip), and
 * the median time a fresh Node process takes to load it, beside two floors built and measured in the
 * same run: an empty module, and an "SDK floor" bundle that only imports and constructs the AWS SDK
 * clients that handler uses. Rounds are interleaved so machine noise hits every file alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { App } from 'aws-cdk-lib';
import { buildSync } from 'esbuild';
import { DEFAULT_CONFIG } from '../../lib/config';
import { MultidocStack } from '../../lib/multidoc-stack';
import { HANDLER_METADATA_KEY } from '../../lib/node-function';

/** The SDK clients each handler constructs (its own, and Powertools Parameters' Secrets Manager client). */
const SDK_CLIENTS: Record<string, string[]> = {
  token: ['dynamodb', 'eventbridge', 'secrets-manager'],
  webhook: ['dynamodb', 'sqs', 'secrets-manager'],
  comparator: ['dynamodb', 'eventbridge'],
  sweeper: ['dynamodb', 'eventbridge', 'secrets-manager'],
};
const CLIENT_CLASS: Record<string, string> = {
  dynamodb: 'DynamoDBClient',
  eventbridge: 'EventBridgeClient',
  sqs: 'SQSClient',
  'secrets-manager': 'SecretsManagerClient',
};

export interface ColdInitRow {
  handler: string;
  minifiedKiB: number;
  gzipKiB: number;
  initMs: number;
  floorInitMs: number;
  floorKiB: number;
  /** (handler − empty) / (SDK floor − empty): the extra load time against the floor's. */
  ratio: number;
}

export interface ColdInitReport {
  synthSeconds: number;
  emptyMs: number;
  rounds: number;
  rows: ColdInitRow[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export function measureColdInit(rounds: number): ColdInitReport {
  const outdir = mkdtempSync(join(tmpdir(), 'multidoc-bench-'));
  try {
    const started = performance.now();
    const app = new App({ outdir });
    new MultidocStack(app, 'IdenfyMultidoc', { config: DEFAULT_CONFIG });
    app.synth();
    const synthSeconds = (performance.now() - started) / 1000;

    const template = JSON.parse(readFileSync(join(outdir, 'IdenfyMultidoc.template.json'), 'utf8'));
    type Fn = {
      Type: string;
      Metadata?: Record<string, string>;
      Properties: { Code: { S3Key: string }; Environment?: { Variables?: Record<string, unknown> } };
    };
    const handlers = (Object.values(template.Resources) as Fn[])
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => {
        const dir = join(outdir, `asset.${r.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
        const js = readdirSync(dir).filter((f) => f.endsWith('.js'));
        const code = Buffer.concat(js.map((f) => readFileSync(join(dir, f))));
        // The function's environment as the stack writes it (references to resources become placeholders):
        // the handlers read and check it at cold start.
        const vars = Object.fromEntries(
          Object.entries(r.Properties.Environment?.Variables ?? {}).map(([k, v]) => [
            k,
            typeof v === 'string' ? v : `placeholder-${k.toLowerCase()}`,
          ]),
        );
        return { name: String(r.Metadata?.[HANDLER_METADATA_KEY]), file: join(dir, 'index.js'), code, vars };
      });

    const floors = new Map<string, { file: string; size: number }>();
    for (const h of handlers) {
      const clients = SDK_CLIENTS[h.name] ?? [];
      const entry = join(outdir, `floor-${h.name}.ts`);
      writeFileSync(
        entry,
        clients
          .map(
            (c) => `import { ${CLIENT_CLASS[c]} } from '@aws-sdk/client-${c}';\nnew ${CLIENT_CLASS[c]}({});`,
          )
          .join('\n'),
      );
      const file = join(outdir, `floor-${h.name}.js`);
      // The same esbuild options as lib/node-function.ts.
      buildSync({
        entryPoints: [entry],
        outfile: file,
        bundle: true,
        minify: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        mainFields: ['module', 'main'],
        absWorkingDir: join(__dirname, '..', '..'),
        nodePaths: [join(__dirname, '..', '..', 'node_modules')],
        logLevel: 'silent',
      });
      floors.set(h.name, { file, size: readFileSync(file).length });
    }
    const empty = join(outdir, 'empty.js');
    writeFileSync(empty, '');

    const { NODE_OPTIONS: _loader, ...inherited } = process.env;
    const env = { ...inherited, AWS_REGION: 'us-east-1' };
    const load = (file: string, vars: Record<string, string> = {}) => {
      const t = performance.now();
      const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], {
        env: { ...env, ...vars },
      });
      if (r.status !== 0) throw new Error(`${file}: ${String(r.stderr)}`);
      return performance.now() - t;
    };
    const runs = new Map<string, number[]>();
    const time = (key: string, file: string, vars?: Record<string, string>) =>
      runs.set(key, [...(runs.get(key) ?? []), load(file, vars)]);
    for (let round = 0; round < rounds; round++) {
      time('empty', empty);
      for (const h of handlers) {
        time(h.name, h.file, h.vars);
        time(`floor:${h.name}`, floors.get(h.name)?.file ?? empty);
      }
    }
    const emptyMs = median(runs.get('empty') ?? []);
    const rows = handlers.map((h) => {
      const initMs = median(runs.get(h.name) ?? []);
      const floorInitMs = median(runs.get(`floor:${h.name}`) ?? []);
      return {
        handler: h.name,
        minifiedKiB: h.code.length / 1024,
        gzipKiB: gzipSync(h.code).length / 1024,
        initMs,
        floorInitMs,
        floorKiB: (floors.get(h.name)?.size ?? 0) / 1024,
        ratio: (initMs - emptyMs) / Math.max(1, floorInitMs - emptyMs),
      };
    });
    return { synthSeconds, emptyMs, rounds, rows };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
