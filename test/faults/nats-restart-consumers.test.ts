import { DvError, STREAMS, defineEvent } from '@dv/contracts';
import { EventPublisher, connectNats, consumeEvents, drainNats, ensureStreams, followStream, on } from '@dv/messaging';
import { type RestartableNats, startRestartableNats } from '@dv/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * A nats-server killed and started again on the same port and store (JetStream data kept): an
 * ordered follower and a durable consumer both resume within seconds from where they were, and an
 * event whose handler fails transiently (UNAVAILABLE) more often than the dead-letter limit is
 * handled once its precondition is met, not dead-lettered.
 */
const actor = { id: 'tester', type: 'user' } as const;
type Happened = ReturnType<typeof happenedEvent>;

/** A test event of its own per test. */
function happenedEvent() {
  return defineEvent({ type: `dv.evt.test${randomUUID().slice(0, 8)}.happened.v1`, data: z.object({ n: z.number().int() }), description: 'a test event' });
}
let nats: RestartableNats;
let nc: NatsConnection;

async function until(condition: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

/** Publishes on a connection of its own, made once NATS is back (the test's timing is the followers', not the publisher's). */
async function publishAfterRestart(count: number, happened: Happened): Promise<number> {
  const other = await connectNats({ url: nats.url, name: 'restart-publisher' });
  try {
    const publisher = new EventPublisher(other, 'dv/test');
    let seq = 0;
    for (let n = 0; n < count; n++) seq = (await publisher.publish(happened, { n }, { actor })).seq;
    return seq;
  } finally {
    await drainNats(other);
  }
}

beforeAll(async () => {
  nats = await startRestartableNats({
    open: "the library's follower and durable consumer alone against a restarted server; no service, no platform user is involved",
  });
  nc = await connectNats({ url: nats.url, name: 'restart-test' });
  await ensureStreams(nc);
}, 60_000);

afterAll(async () => {
  await drainNats(nc);
  await nats.stop();
});

it('an ordered follower catches up within seconds after NATS restarts, from where it was', async () => {
  const happened = happenedEvent();
  const first = await new EventPublisher(nc, 'dv/test').publish(happened, { n: -1 }, { actor });
  const applied: number[] = [];
  const follower = await followStream(nc, {
    stream: STREAMS.domain.name,
    subject: 'dv.evt.>',
    startSeq: first.seq,
    apply: () => undefined,
    applied: (seq) => applied.push(seq),
  });
  try {
    await follower.caughtUp;
    await until(() => applied.includes(first.seq), 5000);
    await nats.restart({ downMs: 1000 });
    const last = await publishAfterRestart(50, happened);
    const tookMs = await until(() => applied.at(-1) === last, 20_000);
    expect(tookMs).toBeLessThan(3000);
    // In order, each once.
    expect(applied).toEqual([...applied].sort((a, b) => a - b));
    expect(new Set(applied).size).toBe(applied.length);
  } finally {
    await follower.stop();
  }
}, 60_000);

it('a durable consumer resumes after NATS restarts, and an event waiting for its precondition is retried, not dead-lettered', async () => {
  const happened = happenedEvent();
  const durable = `restart-${randomUUID().slice(0, 8)}`;
  const handled = new Set<number>();
  let preconditionMet = false;
  let attempts = 0;
  const consumer = await consumeEvents(nc, {
    stream: STREAMS.domain.name,
    durable,
    deliverPolicy: 'new',
    maxDeliveries: 2,
    backoffMs: [100, 200],
    subscriptions: [
      on(happened, async (data) => {
        if (data.n === 0) {
          attempts++;
          if (!preconditionMet) throw DvError.unavailable('this replica has not reached revision {"events":1}');
        }
        handled.add(data.n);
      }),
    ],
  });
  try {
    await nats.restart({ downMs: 1000 });
    await publishAfterRestart(20, happened);
    const tookMs = await until(() => handled.size === 19, 20_000);
    expect(tookMs).toBeLessThan(3000);
    // Far more attempts than the dead-letter limit, then its precondition is met.
    await until(() => attempts > 6, 10_000);
    preconditionMet = true;
    await until(() => handled.has(0), 5000);
    const jsm = await jetstreamManager(nc);
    const dead = await jsm.streams.info(STREAMS.deadLetter.name, { subjects_filter: `dv.dlq.${durable}.>` });
    expect(dead.state.subjects ?? {}).toEqual({});
  } finally {
    await consumer.stop();
  }
}, 60_000);
