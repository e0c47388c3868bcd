import { DvError, STREAMS } from '@dv/contracts';
import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type EventHandlingContext,
  EventPublisher,
  type PublicRpcCallContext,
  RpcClient,
  RpcHandler,
  connectNats,
  consumeEvents,
  createNatsMicroservice,
  drainNats,
  ensureStreams,
  on,
} from '../src';
import { requireEnv, testContracts, uniquePrefix } from './fixtures/test-contracts';

const contracts = testContracts(uniquePrefix());
const HANDLER_MS = 300;

/** A replica whose handler takes a while: requests are in flight when it is told to stop. */
function slowModule(replica: string, started: { count: number }) {
  const CLOSE_TEST = 'graceful close test: answered without a caller';
  @Controller()
  class SlowController {
    @RpcHandler(contracts.add, { public: CLOSE_TEST })
    async add(req: { a: number; b: number }, _ctx: PublicRpcCallContext) {
      started.count++;
      await sleep(HANDLER_MS);
      return { sum: req.a + req.b, replica };
    }
  }
  @Module({ controllers: [SlowController] })
  class SlowModule {}
  return SlowModule;
}

/**
 * Decision 0031: a replica stopped the way runService stops it (the app closed, then its connection
 * drained) answers every request it had taken, and its queue-group peer takes every new one.
 */
describe('closing a replica under load (real nats-server)', () => {
  const connections: NatsConnection[] = [];
  const apps: INestMicroservice[] = [];
  let client: RpcClient;
  const started = { r1: { count: 0 }, r2: { count: 0 } };

  beforeAll(async () => {
    const url = requireEnv('NATS_URL');
    for (const replica of ['r1', 'r2'] as const) {
      const nc = await connectNats({ url, name: `slow-${replica}` });
      const app = await createNatsMicroservice(slowModule(replica, started[replica]), { nc, service: 'slow-test' });
      await app.listen();
      connections.push(nc);
      apps.push(app);
    }
    const clientConnection = await connectNats({ url, name: 'slow-client' });
    connections.push(clientConnection);
    client = new RpcClient(clientConnection, { timeoutMs: 5000 });
  });

  afterAll(async () => {
    for (const app of apps.slice(1)) await app.close();
    for (const nc of connections) await drainNats(nc);
  });

  it('answers every request the stopping replica took; the other takes the rest', async () => {
    const [r1App, r2App] = apps;
    const [r1Connection] = connections;
    if (!r1App || !r2App || !r1Connection) throw new Error('replicas not started');
    const before = Array.from({ length: 40 }, (_, i) => client.call(contracts.add, { a: i, b: 0 }));
    // Stop r1 while its handlers are running.
    while (started.r1.count === 0) await sleep(5);
    const closing = (async () => {
      await r1App.close();
      await drainNats(r1Connection);
    })();
    // Its unsubscription reaches the server at once (the drain's first step); its handlers still run for HANDLER_MS.
    await sleep(100);
    const during = Array.from({ length: 40 }, (_, i) => client.call(contracts.add, { a: 100 + i, b: 0 }));
    const results = await Promise.allSettled([...before, ...during]);
    await closing;

    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed).toEqual([]);
    const replies = results.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
    expect(replies.map((r) => r?.sum)).toEqual([...Array.from({ length: 40 }, (_, i) => i), ...Array.from({ length: 40 }, (_, i) => 100 + i)]);
    // r1 had taken some and answered them all; everything sent once it had stopped went to r2.
    expect(replies.slice(0, 40).filter((r) => r?.replica === 'r1').length).toBeGreaterThan(0);
    expect(replies.slice(40).every((r) => r?.replica === 'r2')).toBe(true);
    expect(r1Connection.isClosed()).toBe(true);
  });
});

/**
 * Decision 0035: a durable consumer told to stop does not handle what nats.js had fetched ahead and
 * no handler had started (up to max_messages: seen holding a volume replica's stop for 41 s at the end
 * of a benchmark): those go back at once (nak without delay) and the other replica handles them, long
 * before the ack wait. A handler still running sees `ctx.signal` aborted and may give up (a transient
 * error): its event goes back too. Nothing is lost, nothing is completed twice.
 */
describe('stopping a durable consumer with a backlog (real nats-server)', () => {
  const { happened } = testContracts(uniquePrefix());
  const EVENTS = 40;
  const STEP_MS = 20;
  const connections: NatsConnection[] = [];

  afterAll(async () => {
    for (const nc of connections) await drainNats(nc);
  });

  it('stops within one step of its running handler; the other replica handles the rest at once, each event completed once', async () => {
    const url = requireEnv('NATS_URL');
    const [nc1, nc2, ncPub] = await Promise.all(['r1', 'r2', 'pub'].map((name) => connectNats({ url, name: `backlog-${name}` })));
    if (!nc1 || !nc2 || !ncPub) throw new Error('not connected');
    connections.push(nc1, nc2, ncPub);
    await ensureStreams(ncPub);
    const durable = `backlog-${uniquePrefix()}`;
    const starts: Record<'r1' | 'r2', number[]> = { r1: [], r2: [] };
    const completed: number[] = [];
    /** A handler of many short units (HANDLER_MS in all) that gives up between them once its consumer stops. */
    const handler = (replica: 'r1' | 'r2') => async (data: { n: number }, ctx: EventHandlingContext) => {
      starts[replica].push(data.n);
      for (let t = 0; t < HANDLER_MS; t += STEP_MS) {
        if (ctx.signal.aborted) throw DvError.unavailable('the consumer is stopping');
        await sleep(STEP_MS);
      }
      completed.push(data.n);
    };
    // An ack wait far longer than the test: an event handed back counts only if it goes back at once.
    const common = { stream: STREAMS.domain.name, durable, deliverPolicy: 'new' as const, ackWaitMs: 60_000 };
    const r1 = await consumeEvents(nc1, { ...common, maxConcurrent: 1, subscriptions: [on(happened, handler('r1'))] });
    const publisher = new EventPublisher(ncPub, 'dv/test');
    for (let n = 0; n < EVENTS; n++) await publisher.publish(happened, { n }, { actor: { id: 'tester', type: 'user' }, subject: `thing-${n}` });
    // r1 has fetched a batch ahead (max_messages 16) and handles one at a time; then r2 joins.
    while (starts.r1.length === 0) await sleep(5);
    const r2 = await consumeEvents(nc2, { ...common, maxConcurrent: 4, subscriptions: [on(happened, handler('r2'))] });
    try {
      const stopStarted = Date.now();
      await r1.stop();
      const stopMs = Date.now() - stopStarted;
      // Before: every fetched event was handled first, one at a time: 300 ms each.
      expect(stopMs).toBeLessThan(HANDLER_MS);
      const deadline = Date.now() + 15_000;
      while (completed.length < EVENTS && Date.now() < deadline) await sleep(20);
      // Every event completed exactly once (r1's unstarted batch went to r2 at once, not after the 60 s ack wait).
      expect([...completed].sort((a, b) => a - b)).toEqual(Array.from({ length: EVENTS }, (_, n) => n));
      // r1 started only what it was running when told to stop: the rest of its batch was never started there.
      expect(starts.r1.length).toBeLessThanOrEqual(2);
      expect(starts.r1.length + starts.r2.length).toBeLessThanOrEqual(EVENTS + 1);
    } finally {
      await r2.stop();
    }
  });

  it("from the service's stop signal on, it starts no handler and fetches nothing more while the service still answers requests; what it had goes back once", async () => {
    const url = requireEnv('NATS_URL');
    const [nc1, nc2, ncPub] = await Promise.all(['s1', 's2', 'spub'].map((name) => connectNats({ url, name: `halt-${name}` })));
    if (!nc1 || !nc2 || !ncPub) throw new Error('not connected');
    connections.push(nc1, nc2, ncPub);
    await ensureStreams(ncPub);
    const durable = `halt-${uniquePrefix()}`;
    const starts: Record<'s1' | 's2', number[]> = { s1: [], s2: [] };
    const completed: number[] = [];
    const deliveries: number[] = [];
    // Here a stopped handler fails with a plain error (as when a client is closed under it), on a consumer
    // that dead-letters at the first failure: a failure while stopping must not count.
    const handler = (replica: 's1' | 's2') => async (data: { n: number }, ctx: EventHandlingContext) => {
      starts[replica].push(data.n);
      deliveries.push(ctx.deliveryCount);
      for (let t = 0; t < HANDLER_MS; t += STEP_MS) {
        if (ctx.signal.aborted) throw new Error('Operation interrupted because client was closed');
        await sleep(STEP_MS);
      }
      completed.push(data.n);
    };
    const common = { stream: STREAMS.domain.name, durable, deliverPolicy: 'new' as const, ackWaitMs: 60_000 };
    const serviceStopping = new AbortController();
    const s1 = await consumeEvents(nc1, {
      ...common,
      maxConcurrent: 1,
      maxDeliveries: 1,
      stopping: serviceStopping.signal,
      subscriptions: [on(happened, handler('s1'))],
    });
    const publisher = new EventPublisher(ncPub, 'dv/test');
    for (let n = 0; n < EVENTS; n++) await publisher.publish(happened, { n }, { actor: { id: 'tester', type: 'user' }, subject: `thing-${n}` });
    while (starts.s1.length === 0) await sleep(5);
    const s2 = await consumeEvents(nc2, { ...common, maxConcurrent: 4, subscriptions: [on(happened, handler('s2'))] });
    try {
      // The service begins to stop (runService aborts ServiceContext.stopping); its consumer's stop() comes only later.
      serviceStopping.abort();
      const deadline = Date.now() + 15_000;
      while (completed.length < EVENTS && Date.now() < deadline) await sleep(20);
      expect([...completed].sort((a, b) => a - b)).toEqual(Array.from({ length: EVENTS }, (_, n) => n));
      expect(starts.s1.length).toBeLessThanOrEqual(2);
      // Halted, it pulled nothing more: an event went back at most once (no nak-and-fetch-again loop).
      expect(Math.max(...deliveries)).toBeLessThanOrEqual(2);
      const stopStarted = Date.now();
      await s1.stop();
      expect(Date.now() - stopStarted).toBeLessThan(HANDLER_MS);
    } finally {
      await s2.stop();
    }
  });
});
