/**
 * The whole system on one machine: resources provisioned from the synthesized template on an AWS
 * emulator, the real handlers behind a local HTTP API and a local queue poller, the iDenfy
 * simulator, and a subscriber on the bus. Used by `npm start` and by the integration tests.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { type ExtraRoute, type HttpHandler, LocalHttpApi } from './http-api';
import { localPage } from './page';
import { awsClients, type Provisioned, provision } from './provision';
import { QueueRunner, type SqsHandler } from './queue-runner';
import { IdenfySimulator, type SimulatorOptions } from './simulator/simulator';
import { type EventEnvelope, EventSubscriber } from './subscriber';
import {
  type CfnTemplate,
  handlerName,
  queueEventSources,
  routes,
  type ScheduleDef,
  schedules,
  synthTemplate,
} from './template';

export interface LocalKeys {
  apiKey: string;
  apiSecret: string;
  webhookSigningKey: string;
}

export const DEFAULT_LOCAL_KEYS: LocalKeys = {
  apiKey: 'local-key',
  apiSecret: 'local-secret',
  webhookSigningKey: 'local-signing-key',
};

export interface LocalSystemOptions {
  /** Physical-name prefix on the emulator. */
  prefix: string;
  apiPort?: number;
  simulatorPort?: number;
  keys?: LocalKeys;
  /** CDK context for the synthesized stack (configuration). */
  context?: Record<string, unknown>;
  /** The work queue's visibility timeout locally (the template's 180 s makes a retried failure slow to watch). */
  visibilityTimeoutSeconds?: number;
  simulator?: SimulatorOptions;
  /** Use this simulator instead of starting one (e.g. an external iDenfy base URL is given). */
  idenfyBaseUrl?: string;
  extraRoutes?: ExtraRoute[];
  /** `auto` (default) runs scheduled rules at their rate; `manual` only when a test fires them. */
  schedules?: 'auto' | 'manual';
  onEvent?: (e: EventEnvelope) => void;
  onError?: (where: string, err: unknown) => void;
}

export interface LocalSystem {
  apiUrl: string;
  simulator?: IdenfySimulator;
  template: CfnTemplate;
  provisioned: Provisioned;
  runners: QueueRunner[];
  subscriber: EventSubscriber;
  events: EventEnvelope[];
  /** Each function's handler as loaded, by handler name (token, webhook, comparator, sweeper). */
  handlers: Record<string, (event: unknown) => Promise<unknown>>;
  /** The template's scheduled rules; `fire(time)` invokes the target as EventBridge would at that time. */
  schedules: LocalSchedule[];
  stop(): Promise<void>;
}

export interface LocalSchedule extends ScheduleDef {
  handlerName: string;
  fire(time?: Date): Promise<unknown>;
}

const HANDLERS_DIR = join(__dirname, '..', 'functions', 'handlers');

/**
 * Handlers read their environment once, at module load (as on a Lambda cold start), so one process
 * (or one jest test file) serves one system. A second would silently use the first one's resources.
 */
let systemsStarted = 0;

export async function startLocalSystem(opts: LocalSystemOptions): Promise<LocalSystem> {
  if (systemsStarted++ > 0) {
    throw new Error(
      'One local system per process: its handlers were loaded with the first one’s environment',
    );
  }
  const keys = opts.keys ?? DEFAULT_LOCAL_KEYS;
  const onError = opts.onError ?? (() => {});
  // Local mode is iDenfy's sandbox: a start may ask for dummy outcomes (the smoke test).
  const template = synthTemplate({ idenfyEnvironment: 'sandbox', ...opts.context });
  const aws = awsClients();

  let simulator: IdenfySimulator | undefined;
  let idenfyBaseUrl = opts.idenfyBaseUrl;
  if (!idenfyBaseUrl) {
    simulator = new IdenfySimulator({
      port: opts.simulatorPort ?? 0,
      apiKey: keys.apiKey,
      apiSecret: keys.apiSecret,
      signingKey: keys.webhookSigningKey,
      ...opts.simulator,
    });
    idenfyBaseUrl = await simulator.start();
  }

  const provisioned = await provision(
    template,
    {
      prefix: opts.prefix,
      secretValues: { ...keys },
      visibilityTimeoutSeconds: opts.visibilityTimeoutSeconds,
    },
    aws,
  );

  // All handlers share this process, so their environments must agree where they overlap.
  const api = new LocalHttpApi([], [localPage, ...(opts.extraRoutes ?? [])], (err) => onError('http', err));
  const apiUrl = await api.start(opts.apiPort ?? 0);
  const env: Record<string, string> = {};
  for (const [id, vars] of Object.entries(provisioned.functionEnv)) {
    for (const [k, v] of Object.entries(vars)) {
      if (env[k] !== undefined && env[k] !== v && k !== 'NODE_OPTIONS') {
        throw new Error(`Functions disagree on ${k} (${id}); local mode runs them in one process`);
      }
      env[k] = v;
    }
  }
  delete env.NODE_OPTIONS;
  Object.assign(process.env, env, { IDENFY_BASE_URL: idenfyBaseUrl, PUBLIC_BASE_URL: apiUrl });

  const handlers: LocalSystem['handlers'] = {};
  const load = (functionId: string) => {
    const name = handlerName(template, functionId);
    if (!handlers[name]) {
      // Loaded only now: handlers read their environment at module scope, as on a cold start.
      handlers[name] = (
        require(join(HANDLERS_DIR, name)) as { handler: (e: unknown) => Promise<unknown> }
      ).handler;
    }
    return handlers[name] as (event: unknown) => Promise<unknown>;
  };

  const routeHandlers = routes(template).map((def) => ({
    def,
    handler: load(def.functionId) as HttpHandler,
  }));
  api.setRoutes(routeHandlers);

  const runners = queueEventSources(template).map((src) => {
    const queue = provisioned.resources[src.queueId];
    if (!queue) throw new Error(`Queue ${src.queueId} not provisioned`);
    const handler = load(src.functionId) as SqsHandler;
    return new QueueRunner(aws.sqs, {
      queueUrl: queue.ref,
      queueArn: queue.arn,
      batchSize: src.batchSize,
      reportBatchItemFailures: src.reportBatchItemFailures,
      handler: (event: SQSEvent) => handler(event),
      onError: (err) => onError('queue', err),
    });
  });

  const timers: NodeJS.Timeout[] = [];
  const localSchedules: LocalSchedule[] = schedules(template).map((def) => {
    const handler = load(def.functionId);
    const fire = (time = new Date()) =>
      handler({
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: time.toISOString(),
        region: process.env.AWS_REGION ?? 'us-east-1',
        resources: [`arn:aws:events:local:000000000000:rule/${def.ruleId}`],
        detail: {},
      });
    return { ...def, handlerName: handlerName(template, def.functionId), fire };
  });

  const busName = process.env.EVENT_BUS_NAME ?? '';
  const subscriber = await EventSubscriber.create(aws, {
    name: `${opts.prefix}-local-subscriber`,
    busName,
    source: process.env.EVENT_SOURCE ?? 'idenfy.multidoc',
    onEvent: opts.onEvent,
  });
  for (const r of runners) r.start();
  subscriber.start();
  if ((opts.schedules ?? 'auto') === 'auto') {
    for (const sch of localSchedules) {
      const timer = setInterval(() => {
        sch.fire().catch((err: unknown) => onError('schedule', err));
      }, sch.intervalMs);
      timer.unref();
      timers.push(timer);
    }
  }
  // Routes last: until everything above runs, the API (and its GET /health) answers 404.
  api.setRoutes(routeHandlers);

  return {
    apiUrl,
    simulator,
    template,
    provisioned,
    runners,
    subscriber,
    events: subscriber.events,
    handlers,
    schedules: localSchedules,
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all([...runners.map((r) => r.stop()), subscriber.stop()]);
      await api.stop();
      await simulator?.stop();
    },
  };
}
