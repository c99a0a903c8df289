/** The repository contract (test/support/repository-contract.ts) against the in-memory fake the use-case tests run on. */
import { InMemoryRepository } from '../../tools/in-memory';
import { repositoryContract } from '../support/repository-contract';

repositoryContract('in memory', () => new InMemoryRepository());
