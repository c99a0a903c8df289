import type { Emulator } from '../../local/emulator';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __MOTO__?: Emulator }).__MOTO__?.stop();
}
