/** The repository contract (test/support/repository-contract.ts) against the DynamoDB adapter, on the emulator's table. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoVerificationRepository } from '../../functions/adapters/dynamo-repository';
import { repository } from '../../functions/handlers/composition';
import type { LocalSystem } from '../../local/system';
import { created, newVerification, repositoryContract, result } from '../support/repository-contract';
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

// What the fake cannot interleave: two DynamoDB calls of one method with another request between them.
it('a result refused for a slot not stored yet, whose slot is stored before the look: unknown, not superseded', async () => {
  const tableName = process.env.TABLE_NAME as string;
  const other = repository({ tableName });
  const v = newVerification();
  const client = new DynamoDBClient({});
  let refused = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        // The webhook's write found no slot; the start stores the verification before the webhook looks.
        if (context.commandName === 'UpdateItemCommand' && refused === 0) {
          refused += 1;
          await created(other, v);
        }
        throw err;
      }
    },
    { step: 'initialize' },
  );
  const repo = new DynamoVerificationRepository(client, tableName);
  expect(await repo.recordResult(v.verificationId, result(v.identity.scanRef), 90)).toEqual({
    outcome: 'unknown',
    resultVersion: 0,
  });
  expect(refused).toBe(1);
  // The use case then records it again, into the slot now there.
  expect((await repo.recordResult(v.verificationId, result(v.identity.scanRef), 90)).outcome).toBe(
    'recorded',
  );
});
