// Child process of events-vs-raw.bench.ts: the consuming side, alone in its process. `ours`:
// consumeEvents (durable pull consumer, envelope and data validation, handler, ack); `raw`: a durable
// pull consumer of nats.js with the same settings, consume(), JSON.parse, ack. Tells the parent when
// the handled count reaches each milestone, with the hrtime of that moment.
import { STREAMS } from '@dv/contracts';
import { consumeEvents, drainNats } from '@dv/messaging';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { z } from 'zod';
import { type ChildMessage, childMain } from './child';
import { benchConnect } from './connection';
import { benchEvent } from './payload';

const configSchema = z.object({
  impl: z.enum(['raw', 'ours']),
  natsUrl: z.string(),
  prefix: z.string(),
  durable: z.string(),
  milestones: z.array(z.number().int().positive()),
});

/** consumeEvents' defaults, used for the raw consumer too. */
const ACK_WAIT_MS = 30_000;
const MAX_CONCURRENT = 16;

childMain(configSchema, async (config, send) => {
  const nc = await benchConnect(config.natsUrl, `bench-consumer-${config.impl}`, config.impl === 'raw' ? 'raw' : 'ours');
  const def = benchEvent(config.prefix, config.impl);
  const pending = [...config.milestones].sort((a, b) => a - b);
  let handled = 0;
  const counted = (): void => {
    handled++;
    if (handled === pending[0]) {
      pending.shift();
      const m: ChildMessage = { type: 'progress', handled, atNs: process.hrtime.bigint().toString() };
      send(m);
    }
  };

  if (config.impl === 'ours') {
    const consumer = await consumeEvents(nc, {
      stream: STREAMS.domain.name,
      durable: config.durable,
      deliverPolicy: 'all',
      subscriptions: [{ def, handler: async () => counted() }],
    });
    return async () => {
      await consumer.stop();
      await drainNats(nc);
    };
  }

  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(STREAMS.domain.name, {
    durable_name: config.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subjects: [def.type],
    ack_wait: nanos(ACK_WAIT_MS),
    max_deliver: -1,
    max_ack_pending: Math.max(1000, MAX_CONCURRENT * 4),
  });
  const consumer = await jetstream(nc).consumers.get(STREAMS.domain.name, config.durable);
  const messages = await consumer.consume({ max_messages: Math.max(MAX_CONCURRENT * 2, 16) });
  const loop = (async () => {
    for await (const msg of messages) {
      msg.json<unknown>();
      msg.ack();
      counted();
    }
  })();
  return async () => {
    await messages.close();
    await loop;
    await drainNats(nc);
  };
});
