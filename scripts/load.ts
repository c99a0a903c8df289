/**
 * `npm run load`: at least 1,000 verifications through the local system (its own moto), 10% with
 * duplicated webhooks and 5% with reordered ones, bounded concurrency; prints throughput, p50/p99 per
 * stage and the DynamoDB writes per partition key (the hottest beside the total), and exits non-zero
 * unless every verification is final with exactly one event.
 * LOAD_VERIFICATIONS, LOAD_CONCURRENCY override the size (default 1,000 and 8).
 */
import { emulatorEnv, freePort, startMoto } from '../local/emulator';
import { startLocalSystem } from '../local/system';
import { formatPartitions, installPartitionCounter, partitionReport } from './bench/partitions';
import { formatReport, runLoad } from './load-driver';

async function main() {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const moto = process.env.AWS_ENDPOINT_URL ? undefined : await startMoto(await freePort());
  if (moto) Object.assign(process.env, emulatorEnv(moto.endpoint));
  const system = await startLocalSystem({
    prefix: `load-${Date.now().toString(36)}`,
    visibilityTimeoutSeconds: 2,
  });
  installPartitionCounter();
  const begun = Date.now();
  try {
    const report = await runLoad({
      apiUrl: system.apiUrl,
      simulatorUrl: system.simulator?.url ?? '',
      events: system.events,
      verifications: Number(process.env.LOAD_VERIFICATIONS ?? 1000),
      // moto (one Python process) saturates, and fails some requests, well below what AWS takes.
      concurrency: Number(process.env.LOAD_CONCURRENCY ?? 8),
      duplicateRate: 0.1,
      reorderRate: 0.05,
      timeoutMs: 120_000,
    });
    console.log(formatReport(report));
    console.log(formatPartitions(partitionReport(begun)));
    const ok = report.notFinal.length === 0 && report.eventCounts.none === 0 && report.eventCounts.more === 0;
    console.log(ok ? 'OK: every verification final, exactly one event each' : 'FAILED');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await system.stop();
    await moto?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
