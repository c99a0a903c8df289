/**
 * `npm run console [-- --api <url>] [--port <n>] [--region <r>] [--dashboard <url with {scanRef}>]`: the review console on
 * http://127.0.0.1:3002 (docs/console.md). Local mode's API (http://127.0.0.1:3000) by default;
 * `--api https://…` for a deployed stack, signed with your own AWS credentials (the reviewer policy).
 */
import { parseArgs } from 'node:util';
import { MultidocClient } from '../client';
import { startConsole } from './server';

const { values } = parseArgs({
  options: {
    api: { type: 'string', default: process.env.MULTIDOC_API_URL ?? 'http://127.0.0.1:3000' },
    port: { type: 'string', default: process.env.CONSOLE_PORT ?? '3002' },
    region: { type: 'string' },
    dashboard: { type: 'string', default: process.env.MULTIDOC_IDENFY_DASHBOARD_URL },
  },
});

async function main() {
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port: not a port: ${values.port}`);
  if (!URL.canParse(values.api ?? '')) throw new Error(`--api: not a URL: ${values.api}`);
  const api = new MultidocClient({ baseUrl: values.api as string, region: values.region });
  const console_ = await startConsole(api, port, { dashboardUrl: values.dashboard }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        throw new Error(`port ${port} is in use: pass --port or set CONSOLE_PORT`);
      throw err;
    },
  );
  console.log(`review console: ${console_.url} (API ${values.api})`);
}

main().catch((err: Error) => {
  console.error(`review console: ${err.message}`);
  process.exit(1);
});
