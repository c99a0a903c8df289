/** The repository contract (test/support/repository-contract.ts) against the DynamoDB adapter, on the emulator's table. */
import { repository } from '../../functions/handlers/composition';
import type { LocalSystem } from '../../local/system';
import { repositoryContract } from '../support/repository-contract';
import { startTestSystem } from './helpers';

jest.setTimeout(60_000);

let system: LocalSystem;
beforeAll(async () => {
  system = await startTestSystem('contract');
});
afterAll(async () => {
  await system?.stop();
});

repositoryContract('DynamoDB', () => repository({ tableName: process.env.TABLE_NAME as string }));
