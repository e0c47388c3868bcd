// Audit ingest: the audit service (its own process) sealing a backlog of events into the hash chain
// (parse, map, hash, ordered insertMany, ack, relay to DV_AUDIT) against a raw mongoose insertMany of
// the same records (read back from the service's collection) in batches of the same size, in one run,
// on one MongoDB-wire server. Then publish → sealed-record latency at a fixed rate. Prints JSON.
// Run: node -r ./scripts/ts-register.js test/bench/audit-ingest.bench.ts
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_STREAM, defineEvent } from '@dv/contracts';
import { EventPublisher, drainNats, ensureStreams } from '@dv/messaging';
import { ensureBinaries, startMongo, startServiceProcess } from '@dv/testing';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import mongoose, { type Connection, Schema } from 'mongoose';
import { benchConnect } from './harness/connection';
import { LatencyHistogram, median, round1 } from './harness/histogram';
import { scaled } from './harness/load';
import { BENCH_PAYLOAD, benchPayloadSchema, runPrefix } from './harness/payload';
import { benchMain, machine, natsVersions, progress } from './harness/report';
import { startBenchServers } from './harness/servers';

const REQUIRED_RATIO = 0.6;
const EVENTS = scaled(20_000);
const BATCH = 1000;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const RATE_PER_S = Number(process.env['BENCH_AUDIT_RATE'] ?? 200);
const RATE_SECONDS = Number(process.env['BENCH_AUDIT_RATE_SECONDS'] ?? 10);
/** The audit service's collections (services/audit/src/records/audit-record.model.ts). */
const RECORDS = 'audit_records';

/**
 * BENCH_CHILD_NODE_OPTIONS reaches the service process as NODE_OPTIONS (with BENCH_PROFILE_DIR). Node
 * refuses --cpu-prof there; profile the service's measured phases with
 * `BENCH_PROFILE_DIR=tmp/bench-prof BENCH_CHILD_NODE_OPTIONS="--require ./test/bench/audit/cpu-profile-preload.js"`.
 */
function childNodeOptions(): Record<string, string> {
  const options = process.env['BENCH_CHILD_NODE_OPTIONS'];
  const dir = process.env['BENCH_PROFILE_DIR'];
  return { ...(options ? { NODE_OPTIONS: options } : {}), ...(dir ? { BENCH_PROFILE_DIR: dir } : {}) };
}

async function mongoUrl(): Promise<{ url: string; stop: () => Promise<void>; kind: string }> {
  const external = process.env['MONGO_URL'];
  if (external) return { url: external, stop: async () => undefined, kind: 'MONGO_URL' };
  const { ferretdb } = await ensureBinaries({ builds: ['ferretdb'] });
  const dir = await mkdtemp(join(tmpdir(), 'dv-bench-mongo-'));
  const mongo = await startMongo({ dir, ...(ferretdb ? { ferretdbBinary: ferretdb } : {}) });
  return {
    url: mongo.url,
    kind: mongo.kind,
    stop: async () => {
      await mongo.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function publishBacklog(nc: NatsConnection, def: ReturnType<typeof tickEvent>, n: number): Promise<void> {
  const publisher = new EventPublisher(nc, 'dv/bench');
  const inFlight = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i++) {
    const p = publisher.publish(def, BENCH_PAYLOAD, { actor: { id: 'bench', type: 'system' }, subject: `vol-${i}` });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= 256) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

function tickEvent(prefix: string) {
  return defineEvent({ type: `dv.evt.bench${prefix}.created.v1`, data: benchPayloadSchema, description: 'audit bench event' });
}

interface OursTrial {
  drain_throughput: number;
  sealing_throughput: number;
  latency: LatencyHistogram;
}

/** One trial of the service: drain a backlog, then latency at a fixed rate. */
async function oursTrial(nc: NatsConnection, natsUrl: string, url: string, db: string, prefix: string): Promise<OursTrial> {
  const def = tickEvent(prefix);
  await publishBacklog(nc, def, EVENTS);
  progress(`backlog of ${EVENTS} events published; starting the audit service`);
  // Progress from the service's own output: the sealed records it relays to DV_AUDIT, in chain order.
  const service = await startServiceProcess({ service: 'audit', env: { NATS_URL: natsUrl, MONGO_URL: url, MONGO_DB: db, AUDIT_BATCH_SIZE: String(BATCH), ...childNodeOptions() }, timeoutMs: 60_000 });
  try {
    // With the profiling preload (see childNodeOptions), sample from here on: the measured phases only.
    if (process.env['BENCH_PROFILE_DIR'] && process.env['BENCH_CHILD_NODE_OPTIONS']?.includes('cpu-profile-preload')) service.child.kill('SIGUSR2');
    const start = process.hrtime.bigint();
    const sealedFeed = await (await jetstream(nc).consumers.get(AUDIT_STREAM.name, { deliver_policy: DeliverPolicy.All })).consume();
    let firstAt: bigint | undefined;
    let firstSeq = 0;
    for await (const m of sealedFeed) {
      const seq = Number(m.headers?.get('dv-audit-seq') ?? 0);
      if (firstAt === undefined) {
        firstAt = process.hrtime.bigint();
        firstSeq = seq;
      }
      if (seq >= EVENTS) break;
    }
    const end = process.hrtime.bigint();
    const drain = (EVENTS / Number(end - start)) * 1e9;
    const sealing = firstAt === undefined ? drain : ((EVENTS - firstSeq) / Number(end - firstAt)) * 1e9;
    progress(`ours: drained ${EVENTS} in ${round1(Number(end - start) / 1e6)} ms (${Math.round(drain)}/s from service ready; ${Math.round(sealing)}/s from the first batch sealed)`);

    // Publish → sealed record on DV_AUDIT (stored in MongoDB before it is relayed, so queryable by then).
    const latency = new LatencyHistogram();
    const sentAt = new Map<string, bigint>();
    const consumer = await jetstream(nc).consumers.get(AUDIT_STREAM.name, { deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume();
    const total = RATE_PER_S * RATE_SECONDS;
    const received = (async () => {
      let got = 0;
      for await (const m of messages) {
        const record = JSON.parse(new TextDecoder().decode(m.data)) as { id: string };
        const t = sentAt.get(record.id);
        if (t !== undefined) {
          latency.recordNs(process.hrtime.bigint() - t);
          if (++got === total) break;
        }
      }
    })();
    const publisher = new EventPublisher(nc, 'dv/bench');
    const t0 = Date.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE_PER_S;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const id = randomUUID();
      sentAt.set(id, process.hrtime.bigint());
      void publisher.publish(def, BENCH_PAYLOAD, { actor: { id: 'bench', type: 'system' }, subject: `lat-${i}`, id });
    }
    await received;
    return { drain_throughput: drain, sealing_throughput: sealing, latency };
  } finally {
    await service.stop();
  }
}

/** Raw mongoose insertMany of the same records (as the service stored them), same batch size, same indexes. */
async function rawTrial(mongo: Connection, fromDb: string, toDb: string): Promise<number> {
  const docs = await mongo.useDb(fromDb).collection(RECORDS).find({}).sort({ seq: 1 }).limit(EVENTS).toArray();
  const target = mongo.useDb(toDb);
  const model = target.model('RawAuditRecord', new Schema({ _id: String, seq: Number }, { strict: false, versionKey: false, collection: 'raw_records' }));
  await target.collection('raw_records').createIndex({ seq: 1 }, { unique: true });
  await target.collection('raw_records').createIndex({ timestamp: 1, seq: 1 });
  await target.collection('raw_records').createIndex({ entityId: 1 });
  const start = process.hrtime.bigint();
  for (let i = 0; i < docs.length; i += BATCH) await model.insertMany(docs.slice(i, i + BATCH), { ordered: true, lean: true });
  const rate = (docs.length / Number(process.hrtime.bigint() - start)) * 1e9;
  progress(`raw: insertMany of ${docs.length} records at ${Math.round(rate)}/s`);
  return rate;
}

async function run(): Promise<object> {
  const servers = await startBenchServers();
  const mongoServer = await mongoUrl();
  let nc: NatsConnection | undefined;
  let mongo: Connection | undefined;
  const dbs: string[] = [];
  try {
    nc = await benchConnect(servers.natsUrl, 'bench-audit', 'ours');
    await ensureStreams(nc);
    mongo = await mongoose.createConnection(mongoServer.url).asPromise();
    const ours: OursTrial[] = [];
    const raw: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const prefix = `${runPrefix()}r${round}`;
      const db = `bench_audit_${prefix}`;
      const rawDb = `bench_raw_${prefix}`;
      dbs.push(db, rawDb);
      // Each round from scratch: no earlier events, no durable consumer, and no DV_AUDIT (a new chain
      // restarts at seq 1, whose `audit-<seq>` ids the old stream would drop as duplicates).
      const jsm = await jetstreamManager(nc);
      await jsm.streams.purge('DV_EVENTS');
      for (const stream of ['DV_EVENTS', 'PLATFORM_EVENTS']) await jsm.consumers.delete(stream, 'audit').catch(() => undefined);
      await jsm.streams.delete(AUDIT_STREAM.name).catch(() => undefined);
      const t = await oursTrial(nc, servers.natsUrl, mongoServer.url, db, prefix);
      ours.push(t);
      raw.push(await rawTrial(mongo, db, rawDb));
      progress(`round ${round + 1}/${ROUNDS}: ours ${Math.round(t.drain_throughput)}/s, raw ${Math.round(raw[raw.length - 1] ?? 0)}/s`);
    }
    const latency = new LatencyHistogram();
    for (const t of ours) latency.merge(t.latency);
    const lat = latency.summary();
    const oursRate = median(ours.map((t) => t.drain_throughput));
    const rawRate = median(raw);
    const ratio = Math.round((oursRate / rawRate) * 1000) / 1000;
    return {
      benchmark: 'audit-ingest',
      node: process.version,
      nats: natsVersions(nc),
      machine: machine(),
      setup: {
        nats: `nats-server (${servers.origin}) ${servers.natsUrl}`,
        mongo: `${mongoServer.kind} ${mongoServer.url}`,
        service: `services/audit as its own process (AUDIT_BATCH_SIZE=${BATCH}), its own database per round`,
        ours: `a backlog of ${EVENTS} CloudEvents (~200-byte data) on DV_EVENTS, then the service started: durable pull consumer, envelope validation, mapping, canonical JSON + sha256 chain, ordered insertMany of ${BATCH}, chain head update, acks, relay of every sealed record to DV_AUDIT. Throughput from 'service ready' to record ${EVENTS} arriving on DV_AUDIT`,
        raw: `mongoose Model.insertMany(docs, {ordered: true, lean: true}) of the same ${EVENTS} records read back from the service's collection, batches of ${BATCH}, into a fresh collection with the same indexes (seq unique, timestamp+seq, entityId)`,
        latency: `${RATE_PER_S} events/s for ${RATE_SECONDS} s after the drain; latency = publish call → the sealed record arrives on DV_AUDIT (it is in MongoDB, hence queryable, before the relay publishes it)`,
        rounds: ROUNDS,
      },
      results: {
        ours_ingest_throughput: round1(oursRate),
        ours_sealing_throughput_from_first_batch: round1(median(ours.map((t) => t.sealing_throughput))),
        raw_insert_throughput: round1(rawRate),
        ours_by_round: ours.map((t) => round1(t.drain_throughput)),
        raw_by_round: raw.map(round1),
        publish_to_sealed_p50_ms: round1(lat.p50_us / 1000),
        publish_to_sealed_p99_ms: round1(lat.p99_us / 1000),
        publish_to_sealed_max_ms: round1(lat.max_us / 1000),
        latency_samples: latency.count,
      },
      ratio_ingest: ratio,
      required_ratio: REQUIRED_RATIO,
      pass: ratio >= REQUIRED_RATIO,
    };
  } finally {
    if (mongo) {
      for (const db of dbs) await mongo.useDb(db).dropDatabase().catch(() => undefined);
      await mongo.close();
    }
    if (nc) await drainNats(nc);
    await mongoServer.stop();
    await servers.stop();
  }
}

benchMain(run);
