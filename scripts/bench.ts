/**
 * `npm run bench`: the performance figures of docs/benchmarks.md, measured in one run on this machine.
 *   1. cold init per handler beside an empty module and an SDK-only floor;
 *   2. AWS API calls per path (counted inside the SDK) and warm secret reads;
 *   3. warm CPU of our logic with in-memory adapters, beside iDenfy's Express recipe;
 *   4. end to end through the local system at several concurrency levels, beside the moto floor;
 *   5. cost per 1,000 verifications at list prices;
 *   6. `npm start` to healthy, cold (template synthesized) and warm (template reused).
 * `--smoke` runs every section at a tiny size (CI: it must complete; nothing is asserted on speed).
 */
import { cpus, totalmem } from 'node:os';
import { emulatorEnv, freePort, startMoto } from '../local/emulator';
import { DEFAULT_LOCAL_KEYS, startLocalSystem } from '../local/system';
import { countCalls } from './bench/calls';
import { measureColdInit } from './bench/cold-init';
import { ASSUMPTIONS, costPer1000, measureItemSizes, PRICES, writeUnits } from './bench/cost';
import { measurePipeline } from './bench/pipeline';
import { measureStartup } from './bench/startup';
import { measureWarmCpu } from './bench/warm-cpu';

const smoke = process.argv.includes('--smoke');
const SIZE = smoke
  ? { rounds: 3, journeys: 1, cpu: 50, levels: [1, 4], pipeline: 4 }
  : { rounds: 15, journeys: 5, cpu: 2000, levels: [1, 4, 8], pipeline: 40 };

/** Floors the issue set: calls per path. */
const CALL_FLOORS: Record<string, number> = {
  webhook: 2,
  'comparator (decision)': 3,
};

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...cells.slice(1).map(line),
  ].join('\n');
}

async function main() {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const cpu = cpus()[0];
  console.log(`# idenfy-multidoc bench${smoke ? ' (smoke: tiny sizes, figures not meaningful)' : ''}`);
  console.log(
    `machine: ${cpus().length} × ${cpu?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString()}\n`,
  );

  console.log('## 1. Cold init per handler (median of fresh `node` processes loading the bundle)\n');
  const cold = measureColdInit(SIZE.rounds);
  console.log(
    `synth with bundling: ${cold.synthSeconds.toFixed(1)} s; empty module: ${cold.emptyMs.toFixed(0)} ms; ${cold.rounds} rounds, interleaved\n`,
  );
  console.log(
    table(
      [
        'handler',
        'minified KiB',
        'gzip KiB',
        'init ms',
        'SDK floor ms',
        'SDK floor KiB',
        'extra vs floor extra',
        'target ≤ 1.2×',
      ],
      cold.rows.map((r) => [
        r.handler,
        r.minifiedKiB.toFixed(0),
        r.gzipKiB.toFixed(0),
        r.initMs.toFixed(0),
        r.floorInitMs.toFixed(0),
        r.floorKiB.toFixed(0),
        `${r.ratio.toFixed(2)}×`,
        r.ratio <= 1.2 ? 'met' : `missed by ${((r.ratio / 1.2 - 1) * 100).toFixed(0)}%`,
      ]),
    ),
  );

  const moto = process.env.AWS_ENDPOINT_URL ? undefined : await startMoto(await freePort());
  if (moto) Object.assign(process.env, emulatorEnv(moto.endpoint));
  const system = await startLocalSystem({
    prefix: `bench-${Date.now().toString(36)}`,
    visibilityTimeoutSeconds: 2,
    schedules: 'manual',
  });
  try {
    console.log('\n## 2. AWS API calls per path (counted inside the SDK, warm, per run)\n');
    const paths = await countCalls(system, SIZE.journeys, DEFAULT_LOCAL_KEYS.webhookSigningKey);
    console.log(
      table(
        ['path', 'calls', 'by operation', 'floor', 'handler ms (median)'],
        paths.map((p) => [
          p.path,
          p.total.toFixed(1),
          Object.entries(p.calls)
            .map(([op, n]) => `${op} ${n % 1 === 0 ? n : n.toFixed(2)}`)
            .join(', '),
          CALL_FLOORS[p.path] === undefined ? '—' : String(CALL_FLOORS[p.path]),
          p.durationMs.toFixed(1),
        ]),
      ),
    );
    const secretReads = paths.reduce((n, p) => n + (p.calls.GetSecretValue ?? 0), 0);
    console.log(`\nsecret reads on warm paths: ${secretReads} (floor 0)`);

    console.log('\n## 3. Warm CPU per request, in-memory adapters (µs, process.cpuUsage)\n');
    const warm = await measureWarmCpu(SIZE.cpu);
    console.log(
      table(
        ['what', 'µs per request'],
        warm.map((w) => [w.what, w.microsPerRequest.toFixed(1)]),
      ),
    );

    console.log('\n## 4. End to end through the local system, beside the moto floor\n');
    const perVerification: Record<string, number> = {};
    const weights: Record<string, number> = {
      start: 1,
      continue: 1,
      webhook: 2,
      'comparator (waiting)': 1,
      'comparator (decision)': 1,
    };
    for (const p of paths) {
      for (const [op, n] of Object.entries(p.calls)) {
        if (op === 'GetSecretValue') continue;
        perVerification[op] = (perVerification[op] ?? 0) + n * (weights[p.path] ?? 0);
      }
    }
    const pipeline = await measurePipeline(system, SIZE.levels, SIZE.pipeline, perVerification);
    console.log(
      `floor per verification: ${Object.entries(perVerification)
        .map(([op, n]) => `${op} ${n}`)
        .join(', ')}\n`,
    );
    console.log(
      table(
        [
          'concurrency',
          'verifications',
          'per s',
          'last webhook → event p50 ms',
          'p99 ms',
          'moto floor per s',
          'time vs floor',
          'target ≤ 1.5×',
        ],
        pipeline.map((r) => [
          r.concurrency,
          r.verifications,
          r.perSecond.toFixed(2),
          r.p50Ms.toFixed(0),
          r.p99Ms.toFixed(0),
          r.floorPerSecond.toFixed(2),
          `${r.ratio.toFixed(2)}×`,
          r.ratio <= 1.5 ? 'met' : `missed by ${((r.ratio / 1.5 - 1) * 100).toFixed(0)}%`,
        ]),
      ),
    );

    console.log('\n## 5. Infrastructure cost per 1,000 verifications (list prices)\n');
    const sizes = await measureItemSizes(process.env.TABLE_NAME as string);
    const cost = costPer1000(paths, sizes);
    console.log(
      table(
        ['item', 'quantity', 'USD'],
        [
          ...cost.map((c) => [c.item, c.quantity, c.usd.toFixed(4)]),
          ['total', '', cost.reduce((s, c) => s + c.usd, 0).toFixed(4)],
        ],
      ),
    );
    const units = writeUnits(paths, sizes);
    const total = cost.reduce((sum, c) => sum + c.usd, 0);
    const saved =
      ((units.byClientCopies - units.byClientListEntries) * 1000 * PRICES.dynamoPerMillionWriteUnits) / 1e6;
    console.log(
      `\nitem sizes after the decision: verification ${sizes.verification} B, its list entry ${sizes.listEntry} B, a result slot ${sizes.other} B; writes of the verification item per verification: ${units.verificationWrites}; its largest attributes: ${sizes.largestAttributes.map(([k, n]) => `${k} ${n} B`).join(', ')}`,
    );
    console.log(
      `with byClient projecting only what a list item shows (its entry, not a full copy: a later release, since CloudFormation changes one index per update): ${(total - saved).toFixed(4)} USD (−${((saved / total) * 100).toFixed(0)}%)`,
    );
    console.log(`\nprices (USD): ${JSON.stringify(PRICES)}`);
    for (const a of ASSUMPTIONS) console.log(`- ${a}`);
  } finally {
    await system.stop();
    await moto?.stop();
  }

  console.log('\n## 6. `npm start` to healthy (spawned as a person runs it; moto included)\n');
  const startup = await measureStartup(smoke ? 1 : 3);
  const median = [...startup.warm].sort((a, b) => a - b)[Math.floor(startup.warm.length / 2)] ?? Number.NaN;
  console.log(
    table(
      ['start', 'seconds to healthy'],
      [
        ['cold (no cached template: the CDK loads, the stack is synthesized)', startup.cold.toFixed(1)],
        [`warm (template reused by its inputs' hash), median of ${startup.warm.length}`, median.toFixed(1)],
      ],
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
