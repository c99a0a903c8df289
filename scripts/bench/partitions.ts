/**
 * DynamoDB writes by partition key, counted inside the SDK while a run goes on: the table's keys and
 * the keys of the sparse indexes (`bySweep`, `byReview`) each write puts an entry under. A partition takes about
 * 1,000 writes/s (docs/scale.md); this shows how close the hottest key of each comes, beside the total,
 * so the spread over shards is measured, not assumed. (`byClient` is left out: its key is per client.)
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { itemsWritten, requestJson, sdkTarget } from '../../tools/sdk-requests';

interface Write {
  at: number;
  /** `table`, `bySweep` or `byReview`. */
  index: string;
  key: string;
}

const writes: Write[] = [];
let installed = false;

export function installPartitionCounter(): void {
  if (installed) return;
  installed = true;
  const handle = NodeHttpHandler.prototype.handle;
  NodeHttpHandler.prototype.handle = function (this: NodeHttpHandler, request, options) {
    const { service, operation } = sdkTarget(request.headers as Record<string, string>);
    if (service.startsWith('DynamoDB')) record(operation, request.body);
    return handle.call(this, request, options);
  };
}

function record(operation: string, raw: unknown) {
  const at = Date.now();
  for (const { item } of itemsWritten(operation, requestJson(raw))) {
    writes.push({ at, index: 'table', key: String((item.Key ?? item.Item)?.pk?.S ?? '') });
    // A write that puts an entry into a sparse index (sets its key) writes that index's partition.
    // (Taking an entry out writes it too; those are at most as many and are not counted.)
    const values = item.ExpressionAttributeValues ?? {};
    const sweepKey = item.Item?.sweepPk?.S ?? values[':duePk']?.S;
    if (sweepKey) writes.push({ at, index: 'bySweep', key: sweepKey });
    const reviewKey = item.Item?.reviewPk?.S ?? values[':reviewPk']?.S;
    if (reviewKey) writes.push({ at, index: 'byReview', key: reviewKey });
  }
}

export interface PartitionReport {
  index: string;
  writes: number;
  keys: number;
  /** The key with the most writes, its share of the index's writes, and its peak in any one second. */
  hottest: { key: string; share: number; peakPerSecond: number };
  peakPerSecond: number;
}

/** Writes since `since` (epoch ms), by index: totals, and the hottest key's share and peak. */
export function partitionReport(since = 0): PartitionReport[] {
  const groupBy = <K>(ws: Write[], key: (w: Write) => K) => {
    const groups = new Map<K, Write[]>();
    for (const w of ws) {
      const group = groups.get(key(w));
      if (group) group.push(w);
      else groups.set(key(w), [w]);
    }
    return groups;
  };
  const byIndex = groupBy(
    writes.filter((w) => w.at >= since),
    (w) => w.index,
  );
  const peak = (ws: Write[]) => {
    const perSecond = new Map<number, number>();
    for (const w of ws)
      perSecond.set(Math.floor(w.at / 1000), (perSecond.get(Math.floor(w.at / 1000)) ?? 0) + 1);
    return Math.max(0, ...perSecond.values());
  };
  return [...byIndex].map(([index, ws]) => {
    const byKey = groupBy(ws, (w) => w.key);
    const [key, hot] = [...byKey].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
    return {
      index,
      writes: ws.length,
      keys: byKey.size,
      hottest: { key, share: hot.length / ws.length, peakPerSecond: peak(hot) },
      peakPerSecond: peak(ws),
    };
  });
}

export function formatPartitions(rows: PartitionReport[]): string {
  const lines = ['DynamoDB writes by partition key   writes  keys  peak/s  hottest key (share, peak/s)'];
  for (const r of rows) {
    lines.push(
      `${r.index.padEnd(34)} ${String(r.writes).padStart(6)} ${String(r.keys).padStart(5)} ${String(r.peakPerSecond).padStart(7)}  ${r.hottest.key.slice(0, 24)} (${(r.hottest.share * 100).toFixed(0)}%, ${r.hottest.peakPerSecond})`,
    );
  }
  return lines.join('\n');
}
