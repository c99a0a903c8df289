/**
 * `npm run load`: at least 1,000 verifications through the local system (its own moto), 10% with
 * duplicated webhooks and 5% with reordered ones, bounded concurrency; prints throughput, p50/p99 per
 * stage and the DynamoDB writes per partition key (the hottest beside the total), and exits non-zero
 * unless every verification is final with exactly one event.
 * LOAD_VERIFICATIONS, LOAD_CONCURRENCY override the size (default 1,000 and 8).
 * `-- --faults 0.05` (or LOAD_FAULTS) fails that share of the data-plane AWS calls the way AWS does
 * (local/aws-faults.ts, seeded by LOAD_FAULT_SEED): then it also requires one iDenfy token per
 * session, no 5xx to the client or the browser, no 409 without Retry-After and an empty dead-letter queue.
 */
import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AwsFaults } from '../local/aws-faults';
import { emulatorEnv, freePort, startMoto } from '../local/emulator';
import { startLocalSystem } from '../local/system';
import { formatPartitions, installPartitionCounter, partitionReport } from './bench/partitions';
import { formatReport, runLoad } from './load-driver';

async function main() {
  const { values } = parseArgs({ options: { faults: { type: 'string' } } });
  const faultRate = Number(values.faults ?? process.env.LOAD_FAULTS ?? 0);
  if (!(faultRate >= 0 && faultRate < 1)) throw new Error('--faults must be a share of calls, 0 ≤ rate < 1');
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const moto = process.env.AWS_ENDPOINT_URL ? undefined : await startMoto(await freePort());
  if (moto) Object.assign(process.env, emulatorEnv(moto.endpoint));
  const emulator = process.env.AWS_ENDPOINT_URL as string;
  // Every AWS call of the system through the fault proxy (at rate 0 until the run starts).
  const faults = new AwsFaults(emulator, { rate: 0, seed: Number(process.env.LOAD_FAULT_SEED ?? 1) });
  const withFaults = values.faults !== undefined || process.env.LOAD_FAULTS !== undefined;
  if (withFaults) process.env.AWS_ENDPOINT_URL = await faults.start();
  const system = await startLocalSystem({
    prefix: `load-${Date.now().toString(36)}`,
    visibilityTimeoutSeconds: 2,
  });
  installPartitionCounter();
  const begun = Date.now();
  try {
    faults.setRate(faultRate);
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
    faults.setRate(0);
    console.log(formatReport(report));
    console.log(formatPartitions(partitionReport(begun)));
    const deadLetters = await deadLetterCount(system.provisioned.resources, emulator);
    let ok = report.notFinal.length === 0 && report.eventCounts.none === 0 && report.eventCounts.more === 0;
    if (withFaults) {
      const injected = Object.entries(faults.counts).filter(([, n]) => n > 0);
      const dataPlane = [...faults.calls]
        .filter(([target]) => /^(DynamoDB_20120810|AmazonSQS\.SendMessage|AWSEvents\.PutEvents)/.test(target))
        .reduce((n, [, count]) => n + count, 0);
      console.log(
        `data-plane AWS calls (DynamoDB, SendMessage, PutEvents): ${dataPlane}, ${(dataPlane / report.verifications).toFixed(1)} per verification`,
      );
      console.log(
        `faults injected (${(faultRate * 100).toFixed(1)}% of data-plane calls): ${JSON.stringify(Object.fromEntries(injected))}`,
      );
      const fivexx = (answers: Record<number, number>) =>
        Object.entries(answers).reduce((n, [status, count]) => n + (Number(status) >= 500 ? count : 0), 0);
      console.log(
        `5xx: to the client ${fivexx(report.answers.start)}, to the browser ${fivexx(report.answers.continue)}; dead letters: ${deadLetters}`,
      );
      ok &&=
        report.tokens.more === 0 &&
        fivexx(report.answers.start) === 0 &&
        fivexx(report.answers.continue) === 0 &&
        report.conflictsWithoutRetryAfter === 0 &&
        deadLetters === 0;
    }
    console.log(ok ? 'OK: every verification final, exactly one event each' : 'FAILED');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await system.stop();
    await faults.stop();
    await moto?.stop();
  }
}

/** Messages in the work queue's dead-letter queue (read from the emulator itself, past the proxy). */
async function deadLetterCount(
  resources: Record<string, { ref: string }>,
  emulator: string,
): Promise<number> {
  const [, dlq] = Object.entries(resources).find(([id]) => id.startsWith('WorkDeadLetterQueue')) ?? [];
  if (!dlq) return 0;
  const out = await new SQSClient({ endpoint: emulator }).send(
    new GetQueueAttributesCommand({
      QueueUrl: dlq.ref,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
