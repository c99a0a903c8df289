/**
 * Exactly-once effects from at-least-once inputs, and crash consistency: faults injected at each step
 * boundary through the adapters' edges (a proxy in front of the emulator, the simulator's faults),
 * never through special cases in production code. Each case ends with one final status and one event.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalSystem } from '../../local/system';
import { FaultProxy } from './fault-proxy';
import {
  continueToDocument,
  eventsFor,
  http,
  postWebhook,
  settled,
  simComplete,
  simSessions,
  startTestSystem,
  startVerification,
  waitForEvents,
} from './helpers';

jest.setTimeout(90_000);

let system: LocalSystem;
let proxy: FaultProxy;

beforeAll(async () => {
  proxy = new FaultProxy(process.env.AWS_ENDPOINT_URL ?? '');
  const url = await proxy.start();
  process.env.AWS_ENDPOINT_URL_SQS = url;
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = url;
  system = await startTestSystem('races', { context: { idenfyTimeoutMs: 700 } });
});

afterAll(async () => {
  await system?.stop();
  await proxy?.stop();
  delete process.env.AWS_ENDPOINT_URL_SQS;
  delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
});

const person = { docFirstName: 'EVA', docLastName: 'LUND', docDob: '1991-04-05' };

function result(scanRef: string, verificationId: string, final: boolean, overall: string, docType: string) {
  return {
    scanRef,
    externalRef: verificationId,
    final,
    status: { overall, fraudTags: [], mismatchTags: [] },
    data: { ...person, docType, docExpiry: '2031-01-01' },
  };
}

/** A verification with both sessions created and no result recorded yet. */
async function bothSessions(clientId: string) {
  const { verificationId, identity } = await startVerification(system, { clientId });
  const { document } = await continueToDocument(system, identity.successUrl, clientId, verificationId);
  if (!document) throw new Error('no document session');
  return { verificationId, identity, document };
}

/** One SQS record of work for a verification, as Lambda hands it over. */
function workRecord(verificationId: string, messageId: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: messageId,
    body: JSON.stringify({ verificationId }),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
      MessageGroupId: verificationId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:work.fifo',
    awsRegion: 'us-east-1',
  };
}

async function oneEvent(verificationId: string) {
  const [event] = await waitForEvents(system, verificationId, `the event of ${verificationId}`);
  await settled(system);
  expect(eventsFor(system, verificationId)).toHaveLength(1);
  return event;
}

describe('at-least-once inputs', () => {
  it('both sessions’ final webhooks at the same moment: one status, one event', async () => {
    const { verificationId, identity, document } = await bothSessions('race-same-moment');
    const answers = await Promise.all([
      postWebhook(system, result(identity.scanRef, verificationId, true, 'APPROVED', 'ID_CARD')),
      postWebhook(system, result(document.scanRef, verificationId, true, 'APPROVED', 'RESIDENCE_PERMIT')),
      postWebhook(system, result(identity.scanRef, verificationId, true, 'APPROVED', 'ID_CARD')),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const event = await oneEvent(verificationId);
    expect(event?.detail).toMatchObject({ status: 'VERIFIED', eventId: `${verificationId}#1` });
  });

  it('out of order: the document result first, the identity’s interim, then its final', async () => {
    const { verificationId, identity, document } = await bothSessions('race-out-of-order');
    await postWebhook(system, result(document.scanRef, verificationId, true, 'APPROVED', 'RESIDENCE_PERMIT'));
    await postWebhook(system, result(identity.scanRef, verificationId, false, 'SUSPECTED', 'ID_CARD'));
    await settled(system);
    expect((await http('GET', `${system.apiUrl}/verifications/${verificationId}`)).body.status).toBe(
      'PENDING',
    );
    await postWebhook(system, result(identity.scanRef, verificationId, true, 'APPROVED', 'ID_CARD'));
    const event = await oneEvent(verificationId);
    expect(event?.detail.status).toBe('VERIFIED');
  });

  it('an old validly signed body replayed after the decision changes nothing', async () => {
    const { verificationId, identity, document } = await bothSessions('race-replay');
    const interim = result(identity.scanRef, verificationId, false, 'DENIED', 'ID_CARD');
    await postWebhook(system, interim);
    await postWebhook(system, result(identity.scanRef, verificationId, true, 'APPROVED', 'ID_CARD'));
    await postWebhook(system, result(document.scanRef, verificationId, true, 'APPROVED', 'RESIDENCE_PERMIT'));
    await oneEvent(verificationId);
    const replay = await postWebhook(system, interim);
    expect(replay.status).toBe(200);
    expect(replay.body.status).toBe('duplicate');
    await settled(system);
    expect(eventsFor(system, verificationId)).toHaveLength(1);
    expect((await http('GET', `${system.apiUrl}/verifications/${verificationId}`)).body.status).toBe(
      'VERIFIED',
    );
  });

  it('comparator runs racing on the same verification publish one event', async () => {
    const { verificationId, identity, document } = await bothSessions('race-comparators');
    for (const r of system.runners) await r.stop();
    try {
      await postWebhook(system, result(identity.scanRef, verificationId, true, 'APPROVED', 'ID_CARD'));
      await postWebhook(
        system,
        result(document.scanRef, verificationId, true, 'APPROVED', 'RESIDENCE_PERMIT'),
      );
      const event = (n: number): SQSEvent => ({ Records: [workRecord(verificationId, `race-${n}`)] });
      // Five Lambda containers: each its own copy of the handler module, as on AWS.
      type Comparator = (e: SQSEvent) => Promise<{ batchItemFailures: unknown[] }>;
      const containers: Comparator[] = [1, 2, 3, 4, 5].map(() => {
        let handler: Comparator | undefined;
        jest.isolateModules(() => {
          handler = (require('../../functions/handlers/comparator') as { handler: Comparator }).handler;
        });
        return handler as Comparator;
      });
      const outcomes = await Promise.all(containers.map((comparator, n) => comparator(event(n))));
      // Losers that saw another run publishing fail their message: it is retried, and then finds the event out.
      const retried = outcomes.filter((o) => o.batchItemFailures.length > 0).length;
      expect(retried).toBeLessThan(5);
      const again = await Promise.all(
        containers.slice(0, 2).map((comparator, n) => comparator(event(n + 10))),
      );
      expect(again.every((o) => o.batchItemFailures.length === 0)).toBe(true);
    } finally {
      for (const r of system.runners) r.start();
    }
    const e = await oneEvent(verificationId);
    expect(e?.detail.eventId).toBe(`${verificationId}#1`);
  });
});

describe('crash consistency', () => {
  it('the queue send fails after the result was written: iDenfy’s retry heals it', async () => {
    const { verificationId, identity, document } = await bothSessions('fault-queue-send');
    await simComplete(system, identity.scanRef, { data: person });
    // The SDK tries five times (adaptive); all five fail, so the webhook answers 500 and iDenfy retries.
    proxy.failNext('AmazonSQS.SendMessage', 5, { __type: 'InternalError', message: 'injected' }, 500);
    const done = await simComplete(system, document.scanRef, { data: person });
    expect(done.deliveries[0]?.attempts).toBe(2);
    const event = await oneEvent(verificationId);
    expect(event?.detail.status).toBe('VERIFIED');
  });

  it('PutEvents fails outright after the status was written: the sweep publishes it, once', async () => {
    const { verificationId, identity, document } = await bothSessions('fault-put-events');
    await simComplete(system, identity.scanRef, { data: person });
    // Every attempt fails (the SDK's two, and those of any run that redelivers the work under load):
    // the outcome is unknown, so each run leaves the event to the sweep.
    const before = proxy.calls.get('AWSEvents.PutEvents') ?? 0;
    proxy.failNext('AWSEvents.PutEvents', 1_000, { __type: 'InternalException', message: 'injected' }, 500);
    await simComplete(system, document.scanRef, { data: person });
    await settled(system);
    proxy.clear('AWSEvents.PutEvents');
    expect((proxy.calls.get('AWSEvents.PutEvents') ?? 0) - before).toBeGreaterThanOrEqual(2);
    expect(eventsFor(system, verificationId)).toHaveLength(0);
    expect((await http('GET', `${system.apiUrl}/verifications/${verificationId}`)).body.status).toBe(
      'VERIFIED',
    );
    // The sweep's next run (its time: after the outbox's retry delay) publishes it.
    await system.schedules.find((x) => x.handlerName === 'sweeper')?.fire(new Date(Date.now() + 6 * 60_000));
    const event = await oneEvent(verificationId);
    expect(event?.detail).toMatchObject({ status: 'VERIFIED', eventId: `${verificationId}#1` });
  });

  it('a batch redelivered after a timeout mid-batch publishes nothing twice', async () => {
    const a = await bothSessions('fault-batch-a');
    const b = await bothSessions('fault-batch-b');
    for (const v of [a, b]) {
      await simComplete(system, v.identity.scanRef, { data: person });
      await simComplete(system, v.document.scanRef, { data: person });
    }
    await oneEvent(a.verificationId);
    await oneEvent(b.verificationId);
    // The same batch again, as Lambda redelivers it when an invocation times out.
    const batch: SQSEvent = {
      Records: [a, b].map((v, i) => workRecord(v.verificationId, `redelivered-${i}`, 2)),
    };
    const out = (await system.handlers.comparator?.(batch)) as { batchItemFailures: unknown[] };
    expect(out.batchItemFailures).toEqual([]);
    await settled(system);
    expect(eventsFor(system, a.verificationId)).toHaveLength(1);
    expect(eventsFor(system, b.verificationId)).toHaveLength(1);
  });

  it('iDenfy creates the token but the answer is lost: the retry succeeds, the orphan is harmless', async () => {
    const clientId = 'fault-token-lost';
    system.simulator?.injectFault({ path: '/api/v2/token', status: 0, identifier: '', dropResponse: true });
    const started = await http('POST', `${system.apiUrl}/verifications`, { clientId });
    expect(started.status).toBe(201);
    const tokens = await simSessions(system, clientId);
    expect(tokens).toHaveLength(2);
    const used = tokens.find(
      (t) => started.body.redirectUrl === `${system.simulator?.url}/api/v2/redirect?authToken=${t.authToken}`,
    );
    const orphan = tokens.find((t) => t !== used);
    expect(used && orphan).toBeTruthy();

    // The orphan is never used; when it expires, its webhook finds no verification of ours.
    const expired = await simComplete(system, orphan?.scanRef ?? '', { overall: 'EXPIRED' });
    expect(expired.deliveries).toEqual([{ status: 200, attempts: 1 }]);
    const verificationId = started.body.verificationId as string;
    expect((await http('GET', `${system.apiUrl}/verifications/${verificationId}`)).body.status).toBe(
      'PENDING',
    );

    const done = await simComplete(system, used?.scanRef ?? '', { data: person });
    const { document } = await continueToDocument(system, done.redirectTo, clientId, verificationId);
    await simComplete(system, document?.scanRef ?? '', { data: person });
    const event = await oneEvent(verificationId);
    expect(event?.detail.status).toBe('VERIFIED');
  });
});
