import { STREAMS, defineRpc } from '@dv/contracts';
import { startTelemetry, type Telemetry } from '@dv/telemetry';
import { type NatsConnection } from '@nats-io/nats-core';
import { trace } from '@opentelemetry/api';
import { z } from 'zod';
import { EventPublisher, RpcClient, connectNats, consumeEvents, drainNats, ensureStreams, on, serveRpc } from '../src';
import { requireEnv, testContracts, uniquePrefix } from './fixtures/test-contracts';

function activeTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

describe('trace context across NATS (real nats-server)', () => {
  let telemetry: Telemetry;
  let nc: NatsConnection;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'trace-test', instrumentations: false });
    // The bed's open nats-server (jest global setup says why): the transport's own tests use subjects no platform client has.
    nc = await connectNats({ url: requireEnv('NATS_URL'), name: 'trace-test' });
    await ensureStreams(nc);
  });

  afterAll(async () => {
    await drainNats(nc);
    await telemetry.shutdown();
  });

  it('runs one trace id from an event publisher to its consumer', async () => {
    const { happened } = testContracts(uniquePrefix());
    let seen: string | undefined;
    const consumer = await consumeEvents(nc, {
      stream: STREAMS.domain.name,
      durable: `trace-${uniquePrefix()}`,
      deliverPolicy: 'new',
      subscriptions: [on(happened, async () => void (seen = activeTraceId()))],
    });
    try {
      const publisher = new EventPublisher(nc, 'dv/test');
      const published = await trace.getTracer('test').startActiveSpan('the request', async (span) => {
        await publisher.publish(happened, { n: 1 }, { actor: { id: 'tester', type: 'user' } });
        span.end();
        return span.spanContext().traceId;
      });
      const deadline = Date.now() + 10_000;
      while (!seen && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(published).toMatch(/^[0-9a-f]{32}$/);
      expect(published).not.toBe('0'.repeat(32));
      expect(seen).toBe(published);
    } finally {
      await consumer.stop();
    }
  });

  it('runs one trace id from an RPC caller to the handler', async () => {
    const echo = defineRpc({
      subject: `dv.test${uniquePrefix()}.trace`,
      request: z.object({}),
      reply: z.object({ traceId: z.string() }),
      description: 'trace echo',
    });
    const sub = serveRpc(nc, echo, async () => ({ traceId: activeTraceId() ?? 'none' }), {
      queue: 'trace-test',
      public: 'trace test: the caller sends no identity',
    });
    try {
      const client = new RpcClient(nc);
      const [callerTrace, reply] = await trace.getTracer('test').startActiveSpan('the caller', async (span) => {
        const r = await client.call(echo, {});
        span.end();
        return [span.spanContext().traceId, r] as const;
      });
      expect(reply.traceId).toBe(callerTrace);
    } finally {
      sub.unsubscribe();
    }
  });
});
