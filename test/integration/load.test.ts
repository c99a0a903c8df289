/** The load driver at a CI size: every verification final with exactly one event (correctness, not timing). */
import type { LocalSystem } from '../../local/system';
import { formatPartitions, installPartitionCounter, partitionReport } from '../../scripts/bench/partitions';
import { formatReport, runLoad } from '../../scripts/load-driver';
import { startTestSystem } from './helpers';

jest.setTimeout(180_000);

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem('load');
});
afterAll(async () => {
  await system?.stop();
});

it('drives verifications with duplicated and reordered webhooks to one final status and one event each', async () => {
  installPartitionCounter();
  const begun = Date.now();
  const report = await runLoad({
    apiUrl: system.apiUrl,
    simulatorUrl: system.simulator?.url ?? '',
    events: system.events,
    verifications: Number(process.env.LOAD_VERIFICATIONS ?? 40),
    concurrency: Number(process.env.LOAD_CONCURRENCY ?? 8),
    duplicateRate: 0.1,
    reorderRate: 0.05,
  });
  console.info(formatReport(report));
  expect(report.duplicated).toBeGreaterThan(0);
  expect(report.reordered).toBeGreaterThan(0);
  expect(report.notFinal).toEqual([]);
  expect(report.eventCounts).toEqual({ none: 0, one: report.verifications, more: 0 });

  // The sweep index's writes are spread over its shards: measured, not assumed.
  const partitions = partitionReport(begun);
  console.info(formatPartitions(partitions));
  const sweep = partitions.find((p) => p.index === 'bySweep');
  expect(sweep?.keys).toBe(4);
  // 40 verifications over four keys: one key taking 70% would be an accident of 1 in millions, or a bug.
  expect(sweep?.hottest.share).toBeLessThan(0.7);
  const table = partitions.find((p) => p.index === 'table');
  expect(table?.hottest.share).toBeLessThan(0.1);
});
