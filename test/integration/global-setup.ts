/** Starts one moto server for the integration suite; each test file provisions under its own prefix. */
import { emulatorEnv, freePort, startMoto } from '../../local/emulator';

export default async function globalSetup(): Promise<void> {
  const moto = await startMoto(await freePort());
  Object.assign(process.env, emulatorEnv(moto.endpoint));
  (globalThis as { __MOTO__?: unknown }).__MOTO__ = moto;
}
