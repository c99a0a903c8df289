/** The opt-in Powertools Tracer: off, nothing is loaded or wrapped; on, it loads and handlers still answer. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Tracing = typeof import('../../functions/shared/tracing');

function load(env: string | undefined): Tracing {
  const before = process.env.MULTIDOC_TRACER;
  if (env === undefined) delete process.env.MULTIDOC_TRACER;
  else process.env.MULTIDOC_TRACER = env;
  let mod: Tracing | undefined;
  jest.isolateModules(() => {
    mod = require('../../functions/shared/tracing') as Tracing;
  });
  (mod as Tracing).powertoolsTracer();
  if (before === undefined) delete process.env.MULTIDOC_TRACER;
  else process.env.MULTIDOC_TRACER = before;
  return mod as Tracing;
}

describe('tracing', () => {
  it('is off by default: no Tracer, clients and handlers untouched', async () => {
    const t = load(undefined);
    expect(t.powertoolsTracer()).toBeUndefined();
    const client = new DynamoDBClient({ region: 'us-east-1' });
    expect(t.traced(client)).toBe(client);
    const handler = t.withTracing('x', async (e: number) => e + 1);
    await expect(handler(41)).resolves.toBe(42);
  });

  it('with MULTIDOC_TRACER=powertools loads the Powertools Tracer; handlers still answer and fail as before', async () => {
    const t = load('powertools');
    const tracer = t.powertoolsTracer();
    expect(tracer?.constructor.name).toBe('Tracer');
    const client = new DynamoDBClient({ region: 'us-east-1' });
    expect(t.traced(client)).toBeDefined();
    await expect(t.withTracing('x', async (e: number) => e * 2)(21)).resolves.toBe(42);
    await expect(
      t.withTracing('x', async () => {
        throw new Error('boom');
      })(0),
    ).rejects.toThrow('boom');
  });
});
