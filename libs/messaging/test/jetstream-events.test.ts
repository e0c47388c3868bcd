import { HEADERS, STREAMS } from '@dv/contracts';
import { type EventHandlingContext, EventPublisher, connectNats, consumeEvents, drainNats, ensureStreams, on } from '../src';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { requireEnv, testContracts, uniquePrefix } from './fixtures/test-contracts';

const actor = { id: 'tester', type: 'user' } as const;

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The fence that nothing more will reach a consumer's handlers: the server says every message it
 * delivered is acked (or terminated) and none waits to be delivered. An acked or terminated message is
 * never delivered again, so its delivery count is then final, with no "wait a moment more" sleep.
 * Returns that count (deliveries, redeliveries included).
 */
async function finalDeliveries(nc: NatsConnection, durable: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const info = await jsm.consumers.info(STREAMS.domain.name, durable);
    if (info.num_ack_pending === 0 && info.num_pending === 0 && info.num_redelivered === 0) return info.delivered.consumer_seq;
    if (Date.now() > deadline)
      throw new Error(
        `consumer ${durable} did not settle: ${JSON.stringify({ ackPending: info.num_ack_pending, pending: info.num_pending, redelivered: info.num_redelivered })}`,
      );
    await sleep(20);
  }
}

describe('JetStream events (real nats-server)', () => {
  let nc: NatsConnection;
  let publisher: EventPublisher;

  beforeAll(async () => {
    // The bed's open nats-server (jest global setup says why): the transport's own tests use streams and event types no platform client has.
    nc = await connectNats({ url: requireEnv('NATS_URL'), name: 'events-test' });
    await ensureStreams(nc);
    publisher = new EventPublisher(nc, 'dv/test');
  });

  afterAll(async () => {
    await drainNats(nc);
  });

  it('provisions the streams idempotently', async () => {
    await ensureStreams(nc);
    const jsm = await jetstreamManager(nc);
    for (const stream of Object.values(STREAMS)) {
      const info = await jsm.streams.info(stream.name);
      expect(info.config.subjects).toEqual(stream.subjects);
    }
  });

  it('handles an event published once exactly once', async () => {
    const { happened } = testContracts(uniquePrefix());
    const seen: { n: number; ctx: EventHandlingContext }[] = [];
    const durable = `once-${uniquePrefix()}`;
    const consumer = await consumeEvents(nc, {
      stream: STREAMS.domain.name,
      durable,
      deliverPolicy: 'new',
      subscriptions: [on(happened, async (data, ctx) => void seen.push({ n: data.n, ctx }))],
    });
    try {
      const published = await publisher.publish(happened, { n: 7 }, { actor, subject: 'thing-1', aggregateVersion: 3 });
      await waitUntil(() => seen.length === 1);
      expect(await finalDeliveries(nc, durable)).toBe(1);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.n).toBe(7);
      expect(seen[0]?.ctx.streamSequence).toBe(published.seq);
      expect(seen[0]?.ctx.envelope).toMatchObject({
        specversion: '1.0',
        type: happened.type,
        source: 'dv/test',
        subject: 'thing-1',
        aggregateversion: 3,
        actorid: 'tester',
      });
    } finally {
      await consumer.stop();
    }
  });

  it('with yieldToRequests, still handles each event exactly once', async () => {
    const { happened } = testContracts(uniquePrefix());
    const seen: number[] = [];
    const durable = `yield-${uniquePrefix()}`;
    const consumer = await consumeEvents(nc, {
      stream: STREAMS.domain.name,
      durable,
      deliverPolicy: 'new',
      yieldToRequests: true,
      subscriptions: [on(happened, async (data) => void seen.push(data.n))],
    });
    try {
      for (let n = 1; n <= 5; n++) await publisher.publish(happened, { n }, { actor });
      await waitUntil(() => seen.length === 5);
      expect(await finalDeliveries(nc, durable)).toBe(5);
      expect([...seen].sort()).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await consumer.stop();
    }
  });

  it('stores the same Nats-Msg-Id once', async () => {
    const { happened } = testContracts(uniquePrefix());
    const envelope = publisher.envelope(happened, { n: 1 }, { actor });
    const first = await publisher.publishEnvelope(envelope);
    const second = await publisher.publishEnvelope(envelope);
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ seq: first.seq, duplicate: true });
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(STREAMS.domain.name, { subjects_filter: happened.type });
    expect(info.state.subjects?.[happened.type]).toBe(1);
  });

  it('redelivers an event whose consumer died before acknowledging it', async () => {
    const { happened } = testContracts(uniquePrefix());
    const durable = `dies-${uniquePrefix()}`;
    const doomed = await connectNats({ url: requireEnv('NATS_URL'), name: 'doomed-consumer' });
    let firstGotIt = false;
    await consumeEvents(doomed, {
      stream: STREAMS.domain.name,
      durable,
      deliverPolicy: 'new',
      ackWaitMs: 1000,
      subscriptions: [
        {
          def: happened,
          handler: async () => {
            firstGotIt = true;
            await new Promise(() => undefined); // never finishes: the process "dies" before ack
          },
        },
      ],
    });
    await publisher.publish(happened, { n: 99 }, { actor });
    await waitUntil(() => firstGotIt);
    await doomed.close(); // the consumer's connection is gone without an ack

    const seen: number[] = [];
    const survivor = await consumeEvents(nc, {
      stream: STREAMS.domain.name,
      durable,
      ackWaitMs: 1000,
      subscriptions: [on(happened, async (data, ctx) => void seen.push(ctx.deliveryCount * 1000 + data.n))],
    });
    try {
      await waitUntil(() => seen.length === 1);
      expect(seen[0]).toBe(2099); // second delivery of n=99
    } finally {
      await survivor.stop();
    }
  });

  it('retries a failing handler with growing delays, then dead-letters it with the reason', async () => {
    const { happened } = testContracts(uniquePrefix());
    const durable = `fails-${uniquePrefix()}`;
    const deliveries: number[] = [];
    const dlqSubject = `dv.dlq.${durable}.${happened.type}`;
    const consumer = await consumeEvents(nc, {
      stream: STREAMS.domain.name,
      durable,
      deliverPolicy: 'new',
      maxDeliveries: 3,
      backoffMs: [200, 600],
      subscriptions: [
        {
          def: happened,
          handler: async () => {
            deliveries.push(Date.now());
            throw new Error('database says no');
          },
        },
      ],
    });
    try {
      await publisher.publish(happened, { n: 5 }, { actor });
      await waitUntil(() => deliveries.length === 3);
      const jsm = await jetstreamManager(nc);
      let dead: Awaited<ReturnType<typeof jsm.streams.getMessage>> | null = null;
      const deadline = Date.now() + 5000;
      while (!dead && Date.now() < deadline) {
        dead = await jsm.streams.getMessage(STREAMS.deadLetter.name, { last_by_subj: dlqSubject }).catch(() => null);
        if (!dead) await sleep(50);
      }
      expect(dead).not.toBeNull();
      expect(dead?.header.get(HEADERS.deadLetterReason)).toContain('database says no');
      expect(dead?.json<{ data: { n: number } }>().data.n).toBe(5);
      const [d1, d2, d3] = deliveries as [number, number, number];
      expect(d2 - d1).toBeGreaterThanOrEqual(180);
      expect(d3 - d2).toBeGreaterThanOrEqual(550);
      expect(await finalDeliveries(nc, durable)).toBe(3); // terminated: no fourth delivery
      expect(deliveries).toHaveLength(3);
    } finally {
      await consumer.stop();
    }
  });

  it('dead-letters a malformed event at once and keeps the stream flowing', async () => {
    const { happened } = testContracts(uniquePrefix());
    const durable = `poison-${uniquePrefix()}`;
    const seen: number[] = [];
    const consumer = await consumeEvents(nc, {
      stream: STREAMS.domain.name,
      durable,
      deliverPolicy: 'new',
      maxConcurrent: 1,
      subscriptions: [on(happened, async (data) => void seen.push(data.n))],
    });
    try {
      const js = jetstream(nc);
      await js.publish(happened.type, new TextEncoder().encode('{not json'));
      await js.publish(
        happened.type,
        new TextEncoder().encode(JSON.stringify(publisher.envelope(happened, { n: 1 }, { actor })).replace('"n":1', '"n":"one"')),
      );
      await publisher.publish(happened, { n: 2 }, { actor });
      await waitUntil(() => seen.length === 1);
      expect(seen).toEqual([2]);
      const jsm = await jetstreamManager(nc);
      const info = await jsm.streams.info(STREAMS.deadLetter.name, { subjects_filter: `dv.dlq.${durable}.>` });
      expect(info.state.subjects?.[`dv.dlq.${durable}.${happened.type}`]).toBe(2);
    } finally {
      await consumer.stop();
    }
  });
});
