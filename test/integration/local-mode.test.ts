/**
 * Local mode serves what the template defines, behaves like Lambda's SQS event source, and
 * `npm start` runs the whole system as a process that leaves nothing behind.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { waitForHttp } from '../../local/emulator';
import type { LocalSystem } from '../../local/system';
import { queueEventSources, resourcesOfType, routes } from '../../local/template';
import { redrive } from '../../scripts/redrive-dlq';
import { spawnNpmStart } from '../../tools/npm-start';
import {
  continueToDocument,
  http,
  settled,
  simComplete,
  startTestSystem,
  startVerification,
  waitFor,
  waitForEvents,
} from './helpers';

jest.setTimeout(90_000);

describe('served from the template, as Lambda and SQS would', () => {
  let system: LocalSystem;
  beforeAll(async () => {
    system = await startTestSystem('coverage');
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('serves every route of the template with its real handler', async () => {
    const defs = routes(system.template);
    expect(defs.length).toBeGreaterThanOrEqual(5);
    for (const def of defs) {
      const path = def.path.replace(/\{[^}]+\}/g, 'unknown-id');
      const res = await http(def.method, `${system.apiUrl}${path}`, def.method === 'POST' ? {} : undefined);
      // The local router's own 404 is `{"message":"Not Found"}`; a handler answers in the API's error shape.
      expect({ route: def.routeKey, body: res.body }).not.toEqual({
        route: def.routeKey,
        body: { message: 'Not Found' },
      });
    }
    expect((await http('GET', `${system.apiUrl}/no/such/route`)).body).toEqual({ message: 'Not Found' });
  });

  it('polls every queue event source of the template, with the template’s redrive policy', async () => {
    const sources = queueEventSources(system.template);
    expect(sources.length).toBeGreaterThanOrEqual(1);
    expect(system.runners).toHaveLength(sources.length);
    const sqs = new SQSClient({});
    for (const [id, r] of resourcesOfType(system.template, 'AWS::SQS::Queue')) {
      const redrive = (r.Properties?.RedrivePolicy ?? undefined) as { maxReceiveCount: number } | undefined;
      if (!redrive) continue;
      const attrs = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: system.provisioned.resources[id]?.ref,
          AttributeNames: ['All'],
        }),
      );
      expect(JSON.parse(attrs.Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
        maxReceiveCount: redrive.maxReceiveCount,
      });
      expect(attrs.Attributes?.FifoQueue).toBe('true');
    }
  });

  it('moves a poison message to the dead-letter queue after the configured receives', async () => {
    const sqs = new SQSClient({});
    const [workId, work] =
      resourcesOfType(system.template, 'AWS::SQS::Queue').find(([, r]) => r.Properties?.RedrivePolicy) ?? [];
    const dlqArn = system.provisioned.resolve(
      (work?.Properties?.RedrivePolicy as { deadLetterTargetArn: unknown } | undefined)?.deadLetterTargetArn,
    );
    const dlqUrl = Object.values(system.provisioned.resources).find((r) => r.arn === dlqArn)?.ref;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: system.provisioned.resources[workId ?? '']?.ref,
        MessageBody: 'not json at all',
        MessageGroupId: 'poison',
        MessageDeduplicationId: 'poison-1',
      }),
    );
    const moved = await waitFor(
      async () => {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: dlqUrl,
            MessageSystemAttributeNames: ['All'],
            WaitTimeSeconds: 1,
          }),
        );
        return out.Messages?.[0];
      },
      'the poison message in the DLQ',
      30_000,
    );
    expect(moved.Body).toBe('not json at all');
    expect(Number(moved.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(5);
  });
  it('replays dead-lettered work: the verification then decides and publishes once', async () => {
    const sqs = new SQSClient({});
    const queues = resourcesOfType(system.template, 'AWS::SQS::Queue');
    const [workId, work] = queues.find(([, r]) => r.Properties?.RedrivePolicy) ?? [];
    const workUrl = system.provisioned.resources[workId ?? '']?.ref ?? '';
    const dlqArn = system.provisioned.resolve(
      (work?.Properties?.RedrivePolicy as { deadLetterTargetArn: unknown } | undefined)?.deadLetterTargetArn,
    );
    const dlqUrl = Object.values(system.provisioned.resources).find((r) => r.arn === dlqArn)?.ref ?? '';

    const clientId = 'redrive-1';
    const { verificationId, identity } = await startVerification(system, { clientId });
    const done = await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
    // The comparator is down: its work lands in the dead-letter queue, as after repeated failures.
    for (const r of system.runners) await r.stop();
    await simComplete(system, document?.scanRef ?? '', {});
    const pending = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: workUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    for (const m of pending.Messages ?? []) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: m.Body,
          MessageGroupId: m.Attributes?.MessageGroupId,
          MessageDeduplicationId: `dead-${m.MessageId}`,
        }),
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl: workUrl, ReceiptHandle: m.ReceiptHandle }));
    }
    for (const r of system.runners) r.start();
    await settled(system);
    expect((await http('GET', `${system.apiUrl}/verifications/${verificationId}`)).body.status).toBe(
      'PENDING',
    );

    const { moved, groups } = await redrive(sqs, dlqUrl, workUrl);
    expect(moved).toBeGreaterThanOrEqual(1);
    expect(groups).toContain(verificationId);
    const events = await waitForEvents(system, verificationId, 'the event after the redrive');
    expect(events).toHaveLength(1);
    expect(events[0]?.detail.status).toBe('VERIFIED');
  });
});

describe('npm start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  // No start-up time is asserted (a shared machine is noisy: `npm run bench` reports it); the wait
  // below only keeps a hung start from blocking the run forever.
  it('becomes healthy, runs a journey to one event line, and Ctrl-C leaves no process behind', async () => {
    // Configuration through LOCAL_CONTEXT: the default plan asks for a proof of address too.
    const started = await spawnNpmStart({ LOCAL_CONTEXT: '{"defaultPlan":"with-proof-of-address"}' });
    child = started.child;
    const { eventsFile, output } = started;
    const { simulator: simulatorPort, moto: motoPort } = started.ports;
    const api = started.apiUrl;
    await waitForHttp(`${api}/health`, 150_000, () => child?.exitCode === null).catch((err) => {
      throw new Error(`${err}\n${output()}`);
    });
    await waitFor(() => (output().includes('Ready in') ? true : undefined), 'the ready line');

    const system = { apiUrl: api, simulator: { url: `http://127.0.0.1:${simulatorPort}` } } as LocalSystem;
    const clientId = 'npm-start-1';
    const { verificationId, identity, start } = await startVerification(system, { clientId });
    expect(start.body.plan).toEqual({ id: 'with-proof-of-address', version: 1 });
    const done = await simComplete(system, identity.scanRef, {});
    const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
    await simComplete(system, document?.scanRef ?? '', {});
    const lines = await waitFor(() => {
      if (!existsSync(eventsFile)) return undefined;
      const l = readFileSync(eventsFile, 'utf8').trim().split('\n').filter(Boolean);
      return l.length > 0 ? l : undefined;
    }, 'a line in the events file');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      'detail-type': 'Verification Finalized',
      detail: { verificationId, status: 'VERIFIED' },
    });
    // The console line follows the file's (the child's stdout reaches us a moment later).
    await waitFor(
      () => (output().includes(`${verificationId}  VERIFIED`) ? true : undefined),
      'the console line',
    );

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(
      processes.split('\n').filter((p) => p.includes(`-p ${motoPort}`) || p.includes('local/start.ts')),
    ).toEqual([]);
    await expect(fetch(`http://127.0.0.1:${motoPort}/moto-api/`)).rejects.toThrow();
  }, 240_000);

  it('a LOCAL_CONTEXT that is no JSON object fails at once, saying what it should be', async () => {
    const { child: run, output } = await spawnNpmStart({ LOCAL_CONTEXT: '["plans"]' });
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    expect(code).toBe(1);
    expect(output()).toContain('LOCAL_CONTEXT must be a JSON object of configuration keys');
  });

  it('a port in use fails at once, naming the service, the port and its variable; nothing is started', async () => {
    const held = createServer();
    await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
    const busyPort = (held.address() as AddressInfo).port;
    const { child: run, ports, output } = await spawnNpmStart({ SIMULATOR_PORT: String(busyPort) });
    const motoPort = ports.moto;
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    held.close();
    expect(code).toBe(1);
    expect(output()).toContain(`Port ${busyPort} is in use: the iDenfy simulator`);
    expect(output()).toContain('SIMULATOR_PORT=<port>');
    // Nothing was started: no moto on its port.
    await expect(fetch(`http://127.0.0.1:${motoPort}/moto-api/`)).rejects.toThrow();
  });
});
