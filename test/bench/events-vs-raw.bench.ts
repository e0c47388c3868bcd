// Event publish → consume through our layer (EventPublisher.publish with its CloudEvents envelope →
// consumeEvents handler, ack) against raw JetStream (js.publish with msgID → durable pull consumer
// consume(), ack), in one run, on one server, with one payload. Publishing happens in this process;
// each consumer runs in its own child process. Prints JSON on stdout.
// Run: node -r ./scripts/ts-register.js test/bench/events-vs-raw.bench.ts
import { randomUUID } from 'node:crypto';
import { STREAMS } from '@dv/contracts';
import { EventPublisher, drainNats, ensureStreams } from '@dv/messaging';
import { benchConnect, connectionSetup } from './harness/connection';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { startBenchChild } from './harness/child';
import { LatencyHistogram, median, round1 } from './harness/histogram';
import { type Impl, rate, runClosedLoop, scaled, selectedImpls } from './harness/load';
import { BENCH_PAYLOAD, BENCH_PAYLOAD_BYTES, benchEvent, runPrefix } from './harness/payload';
import { benchMain, machine, natsVersions, progress } from './harness/report';
import { startBenchServers } from './harness/servers';

/** The brief sets a threshold only for RPC; the same one is applied to end-to-end event throughput. */
const REQUIRED_RATIO_END_TO_END = 0.6;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const EVENTS = scaled(20_000);
const WARMUP_EVENTS = scaled(2_000);
/** Publishes awaiting their PubAck at once (both implementations). */
const PUBLISH_IN_FLIGHT = 64;
const STREAM = STREAMS.domain.name;
const actor = { id: 'bench', type: 'system' } as const;

interface Trial {
  publish: { throughput: number; latency: LatencyHistogram };
  drain: number;
  endToEnd: number;
  publishDuringEndToEnd: number;
}

type Publish = (prefix: string) => () => Promise<unknown>;

function publishers(nc: NatsConnection, rawNc: NatsConnection): Record<Impl, Publish> {
  const ours = new EventPublisher(nc, 'dv/bench');
  const js = jetstream(rawNc);
  const encoder = new TextEncoder();
  return {
    raw: (prefix) => {
      const subject = benchEvent(prefix, 'raw').type;
      return () => js.publish(subject, encoder.encode(JSON.stringify(BENCH_PAYLOAD)), { msgID: randomUUID() });
    },
    ours: (prefix) => {
      const def = benchEvent(prefix, 'ours');
      return () => ours.publish(def, BENCH_PAYLOAD, { actor });
    },
  };
}

/** Publish-only, then drain of that backlog by a fresh consumer, then end-to-end with the consumer running. */
async function trial(nc: NatsConnection, natsUrl: string, impl: Impl, publish: Publish, prefix: string, events: number): Promise<Trial> {
  const op = publish(prefix);
  const durable = `bench-${impl}-${prefix}`;
  const subject = benchEvent(prefix, impl).type;
  const jsm = await jetstreamManager(nc);
  try {
    const published = await runClosedLoop({ concurrency: PUBLISH_IN_FLIGHT, operations: events, op });
    if (published.errors > 0) throw new Error(`${impl}: ${published.errors} publishes failed; first: ${String(published.firstError)}`);

    const consumer = await startBenchChild('event-consumer.ts', { impl, natsUrl, prefix, durable, milestones: [events, 2 * events] });
    try {
      const drained = await consumer.waitFor('progress', (m) => m.handled === events);
      const drain = rate(events, BigInt(drained.atNs) - consumer.readyAtNs);

      const started = process.hrtime.bigint();
      const during = await runClosedLoop({ concurrency: PUBLISH_IN_FLIGHT, operations: events, op });
      if (during.errors > 0) throw new Error(`${impl}: ${during.errors} publishes failed; first: ${String(during.firstError)}`);
      const done = await consumer.waitFor('progress', (m) => m.handled === 2 * events);
      return {
        publish: { throughput: published.throughput, latency: published.latency },
        drain,
        endToEnd: rate(events, BigInt(done.atNs) - started),
        publishDuringEndToEnd: during.throughput,
      };
    } finally {
      await consumer.stop();
    }
  } finally {
    await jsm.consumers.delete(STREAM, durable).catch(() => undefined);
    await jsm.streams.purge(STREAM, { filter: subject }).catch(() => undefined);
  }
}

async function run(): Promise<object> {
  const servers = await startBenchServers();
  const impls = selectedImpls();
  const prefix = runPrefix();
  let nc: NatsConnection | undefined;
  let rawNc: NatsConnection | undefined;
  try {
    nc = await benchConnect(servers.natsUrl, 'bench-events-publisher', 'ours');
    rawNc = await benchConnect(servers.natsUrl, 'bench-events-publisher-raw', 'raw');
    await ensureStreams(nc);
    const pub = publishers(nc, rawNc);
    const oursEnvelopeBytes = new TextEncoder().encode(
      JSON.stringify(new EventPublisher(nc, 'dv/bench').envelope(benchEvent(prefix, 'ours'), BENCH_PAYLOAD, { actor })),
    ).length;

    for (const impl of impls) {
      progress(`warm-up ${impl}: ${WARMUP_EVENTS} events`);
      await trial(nc, servers.natsUrl, impl, pub[impl], `${prefix}w`, WARMUP_EVENTS);
    }
    const trials = new Map<Impl, Trial[]>(impls.map((i) => [i, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? impls : [...impls].reverse();
      for (const impl of order) {
        const t = await trial(nc, servers.natsUrl, impl, pub[impl], `${prefix}r${round}`, EVENTS);
        trials.get(impl)?.push(t);
        progress(
          `${impl} round ${round + 1}/${ROUNDS}: publish ${Math.round(t.publish.throughput)}/s, drain ${Math.round(t.drain)}/s, end-to-end ${Math.round(t.endToEnd)}/s (publish meanwhile ${Math.round(t.publishDuringEndToEnd)}/s)`,
        );
      }
    }

    const results = impls.map((impl) => {
      const list = trials.get(impl) ?? [];
      const latency = new LatencyHistogram();
      for (const t of list) latency.merge(t.publish.latency);
      const lat = latency.summary();
      return {
        impl,
        events: EVENTS,
        rounds: list.length,
        end_to_end_throughput: round1(median(list.map((t) => t.endToEnd))),
        publish_throughput: round1(median(list.map((t) => t.publish.throughput))),
        publish_p50_us: lat.p50_us,
        publish_p99_us: lat.p99_us,
        drain_throughput: round1(median(list.map((t) => t.drain))),
        publish_during_end_to_end_throughput: round1(median(list.map((t) => t.publishDuringEndToEnd))),
        end_to_end_by_round: list.map((t) => round1(t.endToEnd)),
        publish_by_round: list.map((t) => round1(t.publish.throughput)),
      };
    });
    const of = (impl: Impl) => results.find((r) => r.impl === impl);
    const ratio = (pick: (r: (typeof results)[number]) => number): number | null => {
      const ours = of('ours');
      const raw = of('raw');
      return ours && raw ? Math.round((pick(ours) / pick(raw)) * 1000) / 1000 : null;
    };
    const endToEndRatio = ratio((r) => r.end_to_end_throughput);
    return {
      benchmark: 'events-vs-raw',
      node: process.version,
      nats: natsVersions(nc),
      machine: machine(),
      setup: {
        server: `nats-server (${servers.origin}) ${servers.natsUrl}`,
        connection: connectionSetup(),
        stream: `${STREAM} (file storage, as ensureStreams provisions it); each implementation and round publishes on its own subject and durable, deleted and purged afterwards`,
        publisher: `this process, one connection, ${PUBLISH_IN_FLIGHT} publishes awaiting their PubAck at once`,
        consumer:
          'a child process per trial (own event loop and connection); same consumer settings for both (explicit ack, max_ack_pending 1000, pull batch 32)',
        raw: 'js.publish(subject, JSON bytes, {msgID: randomUUID()}); consume(): msg.json(), msg.ack()',
        ours: 'EventPublisher.publish (zod data check, CloudEvents envelope, trace span, Nats-Msg-Id = event id); consumeEvents (envelope + data validation, handler, ack; 16 handlers at once)',
        telemetry: 'no OpenTelemetry SDK registered (API no-op tracer and propagator)',
        payload_bytes: { raw: BENCH_PAYLOAD_BYTES, ours_envelope: oursEnvelopeBytes },
        method: `per round and implementation: publish ${EVENTS} events with no consumer (publish-only), start a consumer and drain them (drain), then publish ${EVENTS} more with the consumer running (end-to-end: first publish to last handled). Warm-up trial of ${WARMUP_EVENTS} events per implementation; ${ROUNDS} rounds alternating the order; figures are medians of rounds, publish latency over all rounds`,
      },
      results,
      ratio_end_to_end: endToEndRatio,
      ratio_publish: ratio((r) => r.publish_throughput),
      ratio_drain: ratio((r) => r.drain_throughput),
      required_ratio_end_to_end: REQUIRED_RATIO_END_TO_END,
      pass: endToEndRatio !== null && endToEndRatio >= REQUIRED_RATIO_END_TO_END,
    };
  } finally {
    if (nc) await drainNats(nc);
    if (rawNc) await drainNats(rawNc);
    await servers.stop();
  }
}

benchMain(run);
