/** `npm run simulator`: the iDenfy simulator alone, for testing any iDenfy integration. */
import { IdenfySimulator } from './simulator';

const sim = new IdenfySimulator({
  host: process.env.SIMULATOR_HOST ?? '127.0.0.1',
  port: Number(process.env.SIMULATOR_PORT ?? 3001),
  apiKey: process.env.IDENFY_API_KEY ?? 'local-key',
  apiSecret: process.env.IDENFY_API_SECRET ?? 'local-secret',
  signingKey: process.env.IDENFY_SIGNING_KEY ?? 'local-signing-key',
});

sim.start().then((url) => {
  console.log(`iDenfy simulator on ${url}  (POST /api/v2/token, GET /simulator/sessions)`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void sim.stop().then(() => process.exit(0)));
