/**
 * Every alarm on a custom metric watches what the code emits: the same namespace, metric name and
 * exactly the same dimension set (CloudWatch treats each dimension set as a metric of its own, so an
 * alarm on {service} never sees a count emitted with {service, session}). The code runs for real here:
 * journeys that make each alarmed metric happen, with every EMF line captured and read back.
 */
import { AwsFaults } from '../../local/aws-faults';
import type { LocalSystem } from '../../local/system';
import {
  continueToDocument,
  http,
  postWebhook,
  settled,
  simComplete,
  startTestSystem,
  startVerification,
  twoStepJourney,
  waitFor,
} from './helpers';

jest.setTimeout(90_000);

let system: LocalSystem;
let faults: AwsFaults;
const captured: string[] = [];
const originalWrite = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.stdout.write = ((chunk: unknown) => {
    captured.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  jest
    .spyOn(console, 'log')
    .mockImplementation((...args: unknown[]) => captured.push(args.map(String).join(' ')));
  // EventBridge behind a proxy that can refuse PutEvents, as a failing bus would.
  faults = new AwsFaults(process.env.AWS_ENDPOINT_URL ?? '');
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = await faults.start();
  system = await startTestSystem('alarms');
});

afterAll(async () => {
  await system?.stop();
  await faults?.stop();
  delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
  process.stdout.write = originalWrite;
  jest.restoreAllMocks();
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

interface Emitted {
  namespace: string;
  metric: string;
  dimensions: Record<string, string>;
}

/** Each metric of each EMF line, with the values of one of its dimension sets. */
function emitted(): Emitted[] {
  const out: Emitted[] = [];
  for (const line of captured.join('\n').split('\n')) {
    if (!line.includes('"CloudWatchMetrics"')) continue;
    const emf = JSON.parse(line) as Record<string, unknown> & {
      _aws: {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      };
    };
    for (const directive of emf._aws.CloudWatchMetrics) {
      for (const set of directive.Dimensions) {
        const dimensions = Object.fromEntries(set.map((k) => [k, String(emf[k])]));
        for (const m of directive.Metrics)
          out.push({ namespace: directive.Namespace, metric: m.Name, dimensions });
      }
    }
  }
  return out;
}

it('every alarm on a custom metric watches a namespace, metric and dimension set the code emits', async () => {
  // What the alarms watch, made to happen: a contradicting late result, a refused webhook, iDenfy down.
  const { verificationId, identitySession } = await twoStepJourney(system, 'alarms-journey', {}, {});
  await postWebhook(
    system,
    {
      scanRef: identitySession.scanRef,
      externalRef: verificationId,
      final: true,
      status: { overall: 'DENIED' },
    },
    { eventType: 'IDENTIFICATION_MANUAL_FINISHED' },
  );
  await waitFor(
    async () =>
      (
        await http<{ providerResultChanged: unknown[] }>(
          'GET',
          `${system.apiUrl}/verifications/${verificationId}`,
        )
      ).body.providerResultChanged.length > 0 || undefined,
    'the provider result change',
  );
  expect(
    (
      await postWebhook(
        system,
        { scanRef: 'x', status: { overall: 'APPROVED' } },
        { signature: '0'.repeat(64) },
      )
    ).status,
  ).toBe(401);
  // The bus refuses every try of one decision's event: it is left to the sweep.
  faults.inject({ kind: 'events-partial', times: 3 });
  const down = await startVerification(system, { clientId: 'alarms-bus-down' });
  const identityDone = await simComplete(system, down.identity.scanRef, {});
  const { document } = await continueToDocument(
    system,
    identityDone.redirectTo,
    'alarms-bus-down',
    down.verificationId,
  );
  await simComplete(system, document?.scanRef ?? '', {});
  await waitFor(
    async () =>
      (await http('GET', `${system.apiUrl}/verifications/${down.verificationId}`)).body.status !==
        'PENDING' || undefined,
    'the decision whose event is deferred',
  );
  system.simulator?.injectFault({
    path: '/api/v2/token',
    status: 503,
    identifier: 'SERVICE_UNAVAILABLE',
    times: 3,
  });
  expect(
    (await http('POST', `${system.apiUrl}/verifications`, { clientId: 'alarms-idenfy-down' })).status,
  ).toBe(502);
  await settled(system);

  const lines = emitted();
  // The capture works: the journey's own metrics are in it.
  expect(lines.some((e) => e.metric === 'VerificationsFinalized')).toBe(true);

  const alarms = Object.values(system.template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && !String(r.Properties.Namespace).startsWith('AWS/'))
    .map((r) => ({
      namespace: r.Properties.Namespace as string,
      metric: r.Properties.MetricName as string,
      dimensions: Object.fromEntries(
        (r.Properties.Dimensions as { Name: string; Value: unknown }[]).map((d) => [d.Name, d.Value]),
      ),
    }));
  expect(alarms.map((a) => a.metric).sort()).toEqual([
    'EventsDeferred',
    'IdenfyUnavailable',
    'ProviderResultChanged',
    'WebhooksRejected',
  ]);
  for (const alarm of alarms) {
    const seen = lines.filter((e) => e.namespace === alarm.namespace && e.metric === alarm.metric);
    expect({ alarm: alarm.metric, emitted: seen.length > 0 }).toEqual({ alarm: alarm.metric, emitted: true });
    // Exactly the alarm's dimension set, with its values.
    expect({ alarm: alarm.metric, sets: seen.map((e) => e.dimensions) }).toEqual({
      alarm: alarm.metric,
      sets: expect.arrayContaining([alarm.dimensions]),
    });
  }
});
