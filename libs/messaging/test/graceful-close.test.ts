import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { type PublicRpcCallContext, RpcClient, RpcHandler, connectNats, createNatsMicroservice, drainNats } from '../src';
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
