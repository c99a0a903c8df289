/**
 * Powertools Metrics (CloudWatch EMF): business and dependency metrics, by dimension values that are
 * never personal data (statuses, reasons, verdicts, operations). Each is written at once, so a handler
 * that fails half-way still reports what it did.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger';
import { METRIC, METRICS_NAMESPACE } from './metric-names';

export { METRIC, METRICS_NAMESPACE };

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'idenfy-multidoc',
});

export function count(name: string, dimensions: Record<string, string> = {}, value = 1): void {
  emit(name, MetricUnit.Count, value, dimensions);
}

export function milliseconds(name: string, value: number, dimensions: Record<string, string> = {}): void {
  emit(name, MetricUnit.Milliseconds, value, dimensions);
}

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

function emit(name: string, unit: Unit, value: number, dimensions: Record<string, string>): void {
  const single = metrics.singleMetric();
  for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
  single.addMetric(name, unit, value);
}

/** iDenfy call outcomes from the client (functions/adapters/idenfy-client.ts) as metrics. */
export function recordIdenfyCall(call: { operation: string; ms: number; outcome: string }): void {
  milliseconds(METRIC.idenfyLatency, call.ms, { operation: call.operation });
  if (call.outcome !== 'ok') count(METRIC.idenfyErrors, { operation: call.operation, outcome: call.outcome });
  if (['5xx', '429', 'timeout', 'network'].includes(call.outcome)) count(METRIC.idenfyUnavailable);
}

/** A decision (comparator or sweep): its status, and each compared field's verdict. */
export function recordDecision(d: {
  status: string;
  checks: Record<string, { verdict: string } | undefined>;
}): void {
  count(METRIC.verificationsFinalized, { status: d.status });
  for (const [field, check] of Object.entries(d.checks)) {
    if (check) count(METRIC.matchVerdicts, { field, verdict: check.verdict });
  }
}

/** An event left to the sweep (EventBridge refused or did not answer): counted, and logged without personal data. */
export function recordPublishDeferred(eventId: string, err: unknown): void {
  count(METRIC.eventsDeferred);
  logger.warn('event not published yet; the sweep publishes it', {
    eventId,
    error: err instanceof Error ? err.name : 'Error',
  });
}

/**
 * iDenfy contradicted a decision already made: counted in total (the alarm's metric: CloudWatch treats
 * each dimension set as a metric of its own) and by session role (the dashboard).
 */
export function recordProviderResultChanged(change: { role: string }): void {
  count(METRIC.providerResultChanged);
  count(METRIC.providerResultChanged, { session: change.role });
}
