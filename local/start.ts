/**
 * `npm start`: the whole system on this machine. moto on 127.0.0.1:4566 (or AWS_ENDPOINT_URL),
 * the iDenfy simulator on :3001, the API on :3000, events appended to .local/events.jsonl.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Emulator, emulatorEnv, portFree, startMoto } from './emulator';
import { DEFAULT_LOCAL_KEYS, type LocalSystem, startLocalSystem } from './system';

const root = join(__dirname, '..');
const apiPort = Number(process.env.API_PORT ?? 3000);
const simulatorPort = Number(process.env.SIMULATOR_PORT ?? 3001);
const motoPort = Number(process.env.MOTO_PORT ?? 4566);
const eventsFile = process.env.EVENTS_FILE ?? join(root, '.local', 'events.jsonl');
/** The local system's outputs, named as the deployed stack's (the smoke test reads them). */
const outputsFile = process.env.LOCAL_OUTPUTS ?? join(root, '.local', 'outputs.json');

/**
 * Every port is checked before anything starts: a port in use fails at once, naming the service, the
 * port and the variable that moves it, and we never mistake another process (another instance's
 * moto) for one of ours.
 */
async function checkPorts(): Promise<void> {
  const wanted = [
    { service: 'the API', port: apiPort, variable: 'API_PORT' },
    { service: 'the iDenfy simulator', port: simulatorPort, variable: 'SIMULATOR_PORT' },
    ...(process.env.AWS_ENDPOINT_URL
      ? []
      : [{ service: 'moto (the AWS emulator)', port: motoPort, variable: 'MOTO_PORT' }]),
  ];
  const taken = [];
  for (const w of wanted) if (!(await portFree(w.port))) taken.push(w);
  if (taken.length === 0) return;
  for (const t of taken) {
    console.error(
      `Port ${t.port} is in use: ${t.service} cannot start there. Free it, or choose another: ${t.variable}=<port> npm start`,
    );
  }
  process.exit(1);
}

/** More configuration for the local stack (`LOCAL_CONTEXT`, CDK context as JSON: plans, secondApprovalReasons…). */
function localContext(): Record<string, unknown> {
  const raw = process.env.LOCAL_CONTEXT;
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Said below, with what it should be.
  }
  console.error(
    'LOCAL_CONTEXT must be a JSON object of configuration keys (docs/deploy.md), e.g. \'{"defaultPlan":"with-proof-of-address"}\'',
  );
  process.exit(1);
}

async function main(): Promise<void> {
  const started = Date.now();
  const extraContext = localContext();
  await checkPorts();
  let moto: Emulator | undefined;
  let system: LocalSystem | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    // Never hang on the way out: after 5 s, moto is killed and we leave anyway.
    setTimeout(() => {
      moto?.process.kill('SIGKILL');
      process.exit(code || 1);
    }, 5000).unref();
    await system?.stop().catch(() => {});
    await moto?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  process.on('uncaughtException', (err) => {
    console.error('Crashed:', err);
    void stop(1);
  });

  let endpoint = process.env.AWS_ENDPOINT_URL;
  if (endpoint) {
    console.log(`AWS emulator: using ${endpoint} (AWS_ENDPOINT_URL)`);
  } else {
    moto = await startMoto(motoPort);
    endpoint = moto.endpoint;
    console.log(`AWS emulator: moto on ${endpoint}`);
  }
  Object.assign(process.env, emulatorEnv(endpoint), { AWS_ENDPOINT_URL: endpoint });
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // Metrics are CloudWatch EMF lines on stdout: off locally unless asked for.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  mkdirSync(dirname(eventsFile), { recursive: true });
  system = await startLocalSystem({
    prefix: process.env.LOCAL_PREFIX ?? `multidoc-${Date.now().toString(36)}`,
    apiPort,
    simulatorPort,
    keys: {
      apiKey: process.env.IDENFY_API_KEY ?? DEFAULT_LOCAL_KEYS.apiKey,
      apiSecret: process.env.IDENFY_API_SECRET ?? DEFAULT_LOCAL_KEYS.apiSecret,
      webhookSigningKey: process.env.IDENFY_SIGNING_KEY ?? DEFAULT_LOCAL_KEYS.webhookSigningKey,
    },
    // Without network, the users' default landing pages are this page, not iDenfy's result pages.
    context: {
      defaultSuccessUrl: `http://127.0.0.1:${apiPort}/?result=success`,
      defaultErrorUrl: `http://127.0.0.1:${apiPort}/?result=error`,
      defaultUnverifiedUrl: `http://127.0.0.1:${apiPort}/?result=unverified`,
      // The additional-step plan as iDenfy's guide has it: the second document uploaded in the one session.
      additionalSteps: JSON.stringify({ ALL: { ALL: { RESIDENCE_PERMIT: { type: 'UPLOAD' } } } }),
      ...extraContext,
      ...(process.env.SWEEP_INTERVAL_MINUTES
        ? { sweepIntervalMinutes: Number(process.env.SWEEP_INTERVAL_MINUTES) }
        : {}),
    },
    visibilityTimeoutSeconds: Number(process.env.LOCAL_VISIBILITY_TIMEOUT ?? 5),
    onEvent: (e) => {
      appendFileSync(eventsFile, `${JSON.stringify(e)}\n`);
      const d = e.detail;
      console.log(
        `event  ${e['detail-type']}  ${d.verificationId}  ${d.status}  ${JSON.stringify(d.reasons ?? [])}`,
      );
    },
    onError: (where, err) => {
      if (!stopping) console.error(`[${where}]`, err instanceof Error ? err.message : err);
    },
  });
  mkdirSync(dirname(outputsFile), { recursive: true });
  writeFileSync(
    outputsFile,
    JSON.stringify(
      {
        ApiUrl: system.apiUrl,
        EventBusName: process.env.EVENT_BUS_NAME,
        EventSource: process.env.EVENT_SOURCE,
        AwsEndpointUrl: endpoint,
        AwsRegion: process.env.AWS_REGION,
      },
      null,
      2,
    ),
  );
  console.log(`iDenfy simulator: ${system.simulator?.url}`);
  console.log(
    `API:              ${system.apiUrl}   (GET /health; open it in a browser to try a verification)`,
  );
  console.log(`Events:           ${eventsFile}`);
  for (const sch of system.schedules) {
    console.log(`Schedule:         ${sch.handlerName} ${sch.expression} (SWEEP_INTERVAL_MINUTES to change)`);
  }
  console.log(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Ctrl-C stops everything.`);
}

main().catch((err) => {
  console.error('Could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
