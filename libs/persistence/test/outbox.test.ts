import { STREAMS } from '@dv/contracts';
import { EventPublisher, connectNats, consumeEvents, drainNats, ensureStreams, on } from '@dv/messaging';
import { MetricsRegistry } from '@dv/telemetry';
import { OutboxRelay, connectMongo, insertWithEvents, updateWithEvents } from '../src';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Connection } from 'mongoose';
import { widgetCreated, widgetModel, widgetRecolored } from './fixtures/widget.model';

const root = path.resolve(__dirname, '../../..');
const actor = { id: 'tester', type: 'user' } as const;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through the workspace jest config, which starts the test bed`);
  return value;
}

function runFixture(script: string, args: string[], until?: RegExp) {
  const child = spawn(process.execPath, ['-r', path.join(root, 'scripts/ts-register.js'), path.join(__dirname, 'fixtures', script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const reached = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (until?.test(out)) resolve();
    });
    child.on('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${script} exited ${code ?? signal}: ${err}`))));
  });
  return { child, reached };
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('in-document outbox (real MongoDB-wire server and nats-server)', () => {
  let connection: Connection;
  let nc: NatsConnection;
  let publisher: EventPublisher;

  beforeAll(async () => {
    connection = await connectMongo({ url: env('MONGO_URL'), dbName: 'persistence_test' });
    // The bed's open nats-server (jest global setup says why): the outbox's tests publish event types no platform client has.
    nc = await connectNats({ url: env('NATS_URL'), name: 'outbox-test' });
    await ensureStreams(nc);
    publisher = new EventPublisher(nc, 'dv/test');
  });

  afterAll(async () => {
    await drainNats(nc);
    await connection.close();
  });

  it('writes a change and its events in one document, publishes them, and empties the outbox', async () => {
    const model = widgetModel(connection, `widgets_${randomUUID().slice(0, 8)}`);
    await model.init();
    const id = randomUUID();
    const created = await insertWithEvents(model, { _id: id, name: 'alpha', color: 'red' }, (version) => [
      publisher.envelope(widgetCreated, { widgetId: id, name: 'alpha', color: 'red' }, { actor, subject: id, aggregateVersion: version }),
    ]);
    expect(created.version).toBe(1);
    expect((await model.findById(id).lean())?.outbox).toHaveLength(1);

    const relay = new OutboxRelay(model, publisher);
    const flushed = await relay.flush(id);
    expect(flushed.published).toHaveLength(1);
    expect(flushed.revision).toBe(flushed.published[0]?.seq);
    expect((await model.findById(id).lean())?.outbox).toEqual([]);
  });

  it('tells on /metrics what a sweep found unpublished, and how long the oldest had waited', async () => {
    const collection = `widgets_${randomUUID().slice(0, 8)}`;
    const model = widgetModel(connection, collection);
    await model.init();
    const id = randomUUID();
    // Written 30 s ago and never flushed: a writer that died before publishing.
    const time = new Date(Date.now() - 30_000);
    await insertWithEvents(model, { _id: id, name: 'stale', color: 'grey' }, (version) => [
      publisher.envelope(widgetCreated, { widgetId: id, name: 'stale', color: 'grey' }, { actor, subject: id, aggregateVersion: version, time }),
      publisher.envelope(widgetRecolored, { widgetId: id, color: 'blue' }, { actor, subject: id, aggregateVersion: version, time }),
    ]);
    const metrics = new MetricsRegistry();
    const relay = new OutboxRelay(model, publisher, { metrics });
    const sample = (name: string): number => Number(new RegExp(`^${name}\\{collection="${collection}"\\} (\\S+)$`, 'm').exec(metrics.render())?.[1]);

    expect(await relay.sweep()).toBe(2);
    expect(sample('dv_outbox_pending_events')).toBe(2);
    expect(sample('dv_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(30);
    // Published by that sweep: the next one finds nothing.
    expect(await relay.sweep()).toBe(0);
    expect(sample('dv_outbox_pending_events')).toBe(0);
    expect(sample('dv_outbox_oldest_pending_seconds')).toBe(0);
    expect(metrics.render()).toContain('# TYPE dv_outbox_sweep_failures_total counter');
  });

  it('maps a unique-index violation to CONFLICT and writes nothing', async () => {
    const model = widgetModel(connection, `widgets_${randomUUID().slice(0, 8)}`);
    await model.init();
    const events = () => [];
    await insertWithEvents(model, { _id: 'a', name: 'same', color: 'red' }, events, 'widget', 'name');
    await expect(insertWithEvents(model, { _id: 'b', name: 'same', color: 'blue' }, events, 'widget', 'name')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'a widget with the same name already exists',
    });
    expect(await model.countDocuments()).toBe(1);
  });

  it('applies an update only at the expected version (optimistic concurrency)', async () => {
    const model = widgetModel(connection, `widgets_${randomUUID().slice(0, 8)}`);
    await model.init();
    await insertWithEvents(model, { _id: 'w', name: 'w', color: 'red' }, () => []);
    const recolor = (color: string) => (version: number) => [
      publisher.envelope(widgetRecolored, { widgetId: 'w', color }, { actor, subject: 'w', aggregateVersion: version }),
    ];

    const updated = await updateWithEvents(model, 'w', 1, { $set: { color: 'blue' } }, recolor('blue'), 'widget');
    expect(updated).toMatchObject({ version: 2, color: 'blue' });
    expect(updated.outbox.map((e) => e.aggregateversion)).toEqual([2]);

    await expect(updateWithEvents(model, 'w', 1, { $set: { color: 'green' } }, recolor('green'), 'widget')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(updateWithEvents(model, 'nope', 1, { $set: { color: 'green' } }, recolor('green'), 'widget')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const stored = await model.findById('w').lean();
    expect(stored).toMatchObject({ version: 2, color: 'blue' });
    expect(stored?.outbox).toHaveLength(1);
  });

  it('publishes, after a restart, the event of a process killed between its write and its publish; the consumer sees it once', async () => {
    const collection = `widgets_${randomUUID().slice(0, 8)}`;
    const id = randomUUID();
    const seen: string[] = [];
    const fences: string[] = [];
    const durable = `outbox-${id.slice(0, 8)}`;
    const consumer = await consumeEvents(nc, {
      stream: STREAMS.domain.name,
      durable,
      deliverPolicy: 'new',
      subscriptions: [on(widgetCreated, async (data, ctx) => void (data.widgetId === id ? seen.push(ctx.envelope.id) : fences.push(data.widgetId)))],
    });
    /**
     * The fence that the consumer has handled everything published so far, instead of a sleep: a later
     * event of the test's own, handled, and the server saying nothing delivered is unacked and nothing is
     * left to deliver. Whatever the stream held before the fence has then reached the handler.
     */
    const fence = async (): Promise<void> => {
      const fenceId = `fence-${randomUUID()}`;
      await publisher.publish(widgetCreated, { widgetId: fenceId, name: 'fence', color: 'none' }, { actor, subject: fenceId });
      const jsm = await jetstreamManager(nc);
      await waitUntil(async () => {
        if (!fences.includes(fenceId)) return false;
        const info = await jsm.consumers.info(STREAMS.domain.name, durable);
        return info.num_ack_pending === 0 && info.num_pending === 0;
      });
    };
    try {
      const writer = runFixture('outbox-writer.process.ts', [env('MONGO_URL'), env('NATS_URL'), collection, id], /written/);
      await writer.reached;
      writer.child.kill('SIGKILL');
      await new Promise((r) => writer.child.once('exit', r));

      const model = widgetModel(connection, collection);
      const pending = await model.findById(id).lean();
      expect(pending?.outbox).toHaveLength(1); // written, never published
      await fence();
      expect(seen).toEqual([]);

      // Crash after publishing but before removing from the outbox: the next relay publishes it again.
      const envelope = pending?.outbox[0];
      if (!envelope) throw new Error('no pending event');
      await publisher.publishEnvelope(envelope);

      const restarted = runFixture('outbox-relay.process.ts', [env('MONGO_URL'), env('NATS_URL'), collection]);
      await restarted.reached;
      // The relay has published (again) once the event left the outbox; a duplicate would sit before the fence.
      await waitUntil(async () => (await model.findById(id).lean())?.outbox.length === 0);
      await fence();
      expect(seen).toEqual([envelope.id]);
    } finally {
      await consumer.stop();
    }
  }, 60_000);
});
