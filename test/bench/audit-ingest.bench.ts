// Audit ingest: the audit service (its own process) sealing a backlog of events into the hash chain
// (parse, map, hash, ordered insertMany, ack, relay to DV_AUDIT) against a raw mongoose insertMany of
// the same records (read back from the service's collection) in batches of the same size, in one run,
// on one MongoDB-wire server. Then publish → sealed-record latency at a fixed rate. Prints JSON.
// Run: node -r ./scripts/ts-register.js test/bench/audit-ingest.bench.ts
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUDIT_RECORD_SUBJECT, AUDIT_STREAM, defineEvent } from '@dv/contracts';
import { EventPublisher, drainNats, ensureStreams } from '@dv/messaging';
import { ensureBinaries, startMongo, startServiceProcess } from '@dv/testing';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import mongoose, { type Connection, Schema } from 'mongoose';
import { benchConnect } from './harness/connection';
import { LatencyHistogram, median, round1 } from './harness/histogram';
import { type ProcessUsage, ownUsage, processUsage } from './harness/proc';
import { scaled } from './harness/load';
import { BENCH_PAYLOAD, benchPayloadSchema, runPrefix } from './harness/payload';
import { benchMain, machine, natsVersions, progress } from './harness/report';
import { startBenchServers } from './harness/servers';
/* eslint-disable @nx/enforce-module-boundaries -- the records are read back through the service's own store (its layout: decision 0014) */
import { auditCollections } from '../../services/audit/src/records/audit-record.model';
import { LogStore } from '../../services/audit/src/store/log-store';
/* eslint-enable @nx/enforce-module-boundaries */

const REQUIRED_RATIO = 0.6;
const EVENTS = scaled(20_000);
const BATCH = 1000;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const RATE_PER_S = Number(process.env['BENCH_AUDIT_RATE'] ?? 200);
const RATE_SECONDS = Number(process.env['BENCH_AUDIT_RATE_SECONDS'] ?? 10);
/** Events whose record is looked up the moment it arrives on DV_AUDIT (after the latency run). */
const QUERYABLE_CHECKS = 20;

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

/** The pid of a child process of this one with the given name (the FerretDB the benchmark started), if any. */
function childPid(name: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === name && ppid === process.pid) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** CPU time of the processes taking part, sampled before and after a phase: microseconds per event. */
class CpuAccount {
  private readonly before = new Map<string, ProcessUsage>();
  constructor(private readonly pids: Record<string, number | undefined>) {
    for (const [name, usage] of this.sample()) this.before.set(name, usage);
  }
  private sample(): [string, ProcessUsage][] {
    return Object.entries(this.pids).map(([name, pid]) => [
      name,
      name === 'bench'
        ? ownUsage()
        : pid === undefined
          ? { cpuUs: Number.NaN, systemCpuUs: Number.NaN, readCalls: Number.NaN, writeCalls: Number.NaN }
          : processUsage(pid),
    ]);
  }
  perEvent(events: number): Record<string, number> {
    return Object.fromEntries(this.sample().map(([name, usage]) => [name, round1((usage.cpuUs - (this.before.get(name)?.cpuUs ?? Number.NaN)) / events)]));
  }
}

interface OursTrial {
  drain_throughput: number;
  sealing_throughput: number;
  latency: LatencyHistogram;
  /** CPU microseconds per event while draining, by process. */
  drain_cpu_us_per_event: Record<string, number>;
  queryable: { checked: number; found: number };
}

/** One trial of the service: drain a backlog, then latency at a fixed rate. */
async function oursTrial(
  nc: NatsConnection,
  mongo: Connection,
  natsPid: number | undefined,
  natsUrl: string,
  url: string,
  db: string,
  prefix: string,
): Promise<OursTrial> {
  const def = tickEvent(prefix);
  await publishBacklog(nc, def, EVENTS);
  progress(`backlog of ${EVENTS} events published; starting the audit service`);
  // Progress from the service's own output: the sealed records it relays to DV_AUDIT, in chain order.
  const logPath = process.env['BENCH_SERVICE_LOG'];
  const service = await startServiceProcess({
    service: 'audit',
    env: { NATS_URL: natsUrl, MONGO_URL: url, MONGO_DB: db, AUDIT_BATCH_SIZE: String(BATCH), ...childNodeOptions() },
    timeoutMs: 60_000,
    ...(logPath ? { logPath } : {}),
  });
  try {
    // With the profiling preload (see childNodeOptions), sample from here on: the measured phases only.
    if (process.env['BENCH_PROFILE_DIR'] && process.env['BENCH_CHILD_NODE_OPTIONS']?.includes('cpu-profile-preload')) service.child.kill('SIGWINCH');
    const cpu = new CpuAccount({ service: service.child.pid, 'nats-server': natsPid, ferretdb: childPid('ferretdb'), bench: process.pid });
    const start = process.hrtime.bigint();
    // Done when record EVENTS is on DV_AUDIT (a fresh stream: its sequence is the record's seq). The
    // stream's state is polled, not read record by record, so the benchmark's own CPU stays out of
    // the measured run.
    const jsm = await jetstreamManager(nc);
    let firstAt: bigint | undefined;
    let firstSeq = 0;
    for (;;) {
      const lastSeq = (await jsm.streams.info(AUDIT_STREAM.name)).state.last_seq;
      if (firstAt === undefined && lastSeq > 0) {
        firstAt = process.hrtime.bigint();
        firstSeq = lastSeq;
      }
      if (lastSeq >= EVENTS) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const end = process.hrtime.bigint();
    const drainCpu = cpu.perEvent(EVENTS);
    const drain = (EVENTS / Number(end - start)) * 1e9;
    const sealing = firstAt === undefined ? drain : ((EVENTS - firstSeq) / Number(end - firstAt)) * 1e9;
    progress(
      `ours: drained ${EVENTS} in ${round1(Number(end - start) / 1e6)} ms (${Math.round(drain)}/s from service ready; ${Math.round(sealing)}/s from the first batch sealed); CPU µs/event ${JSON.stringify(drainCpu)}`,
    );

    // Publish → the sealed record arriving on DV_AUDIT, at a fixed rate.
    const latency = new LatencyHistogram();
    const sentAt = new Map<string, bigint>();
    // From the stream's next sequence (not DeliverPolicy.New: the ordered consumer is made
    // asynchronously, and would miss what is stored before it exists).
    const after = async () => ({ deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: (await jsm.streams.info(AUDIT_STREAM.name)).state.last_seq + 1 });
    const consumer = await jetstream(nc).consumers.get(AUDIT_STREAM.name, await after());
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
    progress(`latency: ${latency.count} records at ${RATE_PER_S}/s`);

    // The relay gets a record only once its insert was acknowledged, so when it is on DV_AUDIT a
    // query returns it. Shown on its own, after the timing (FerretDB scans the collection for each
    // lookup, which would slow the inserts being timed): one event at a time, looked up in MongoDB
    // as soon as its sealed record is DV_AUDIT's last (polled every 2 ms).
    const log = new LogStore(auditCollections(mongo.useDb(db)));
    const queryable = { checked: 0, found: 0 };
    for (let i = 0; i < QUERYABLE_CHECKS; i++) {
      const id = randomUUID();
      await publisher.publish(def, BENCH_PAYLOAD, { actor: { id: 'bench', type: 'system' }, subject: `check-${i}`, id });
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const last = await jsm.streams.getMessage(AUDIT_STREAM.name, { last_by_subj: AUDIT_RECORD_SUBJECT });
        const sealed = last?.json<{ id: string; seq: number }>();
        if (sealed && sealed.id === id) {
          queryable.checked++;
          // As a query reads it: stored at its seq (a query first indexes what was stored after the index's end).
          const segment = await log.segmentAt(sealed.seq);
          if (segment && (segment.texts[sealed.seq - segment.first] ?? '').includes(`"id":"${id}"`)) queryable.found++;
          break;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    progress(`queryable the moment they arrived on ${AUDIT_STREAM.name}: ${queryable.found} of ${queryable.checked}`);
    return { drain_throughput: drain, sealing_throughput: sealing, latency, drain_cpu_us_per_event: drainCpu, queryable };
  } finally {
    await service.stop();
  }
}

interface RawTrial {
  rate: number;
  cpu_us_per_event: Record<string, number>;
  indexes: string[];
}

/**
 * Raw mongoose insertMany of the same records (read back from the service's store: decision 0014),
 * one document per record (`_id` = event id, the fields as they are, details as its JSON text), same
 * batch size, no secondary index (the store serves none).
 */
async function rawTrial(mongo: Connection, fromDb: string, toDb: string): Promise<RawTrial> {
  const log = new LogStore(auditCollections(mongo.useDb(fromDb)));
  const docs: Record<string, unknown>[] = [];
  for await (const segment of log.segments(1, EVENTS)) {
    for (const text of segment.texts) {
      const { id, details, ...fields } = JSON.parse(text) as Record<string, unknown>;
      if (docs.length < EVENTS) docs.push({ _id: id, ...fields, detailsJson: JSON.stringify(details) });
    }
  }
  const target = mongo.useDb(toDb);
  const model = target.model('RawAuditRecord', new Schema({ _id: String, seq: Number }, { strict: false, versionKey: false, collection: 'raw_records' }));
  const indexes: string[] = [];
  const cpu = new CpuAccount({ ferretdb: childPid('ferretdb'), bench: process.pid });
  const start = process.hrtime.bigint();
  for (let i = 0; i < docs.length; i += BATCH) await model.insertMany(docs.slice(i, i + BATCH), { ordered: true, lean: true });
  const rate = (docs.length / Number(process.hrtime.bigint() - start)) * 1e9;
  const usage = cpu.perEvent(docs.length);
  progress(`raw: insertMany of ${docs.length} records at ${Math.round(rate)}/s; CPU µs/event ${JSON.stringify(usage)}; indexes ${indexes.join(', ')}`);
  return { rate, cpu_us_per_event: usage, indexes };
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
    const rawTrials: RawTrial[] = [];
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
      const t = await oursTrial(nc, mongo, servers.pid, servers.natsUrl, mongoServer.url, db, prefix);
      ours.push(t);
      const r = await rawTrial(mongo, db, rawDb);
      rawTrials.push(r);
      progress(`round ${round + 1}/${ROUNDS}: ours ${Math.round(t.drain_throughput)}/s, raw ${Math.round(r.rate)}/s`);
    }
    const latency = new LatencyHistogram();
    for (const t of ours) latency.merge(t.latency);
    const lat = latency.summary();
    const oursRate = median(ours.map((t) => t.drain_throughput));
    const raw = rawTrials.map((r) => r.rate);
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
        ours: `a backlog of ${EVENTS} CloudEvents (~200-byte data) on DV_EVENTS, then the service started: durable pull consumer, envelope validation, mapping, canonical JSON + sha256 chain, ordered insertMany of ${BATCH}, acks, relay of every sealed record to DV_AUDIT (each acknowledged by the stream). Throughput from 'service ready' to record ${EVENTS} stored on DV_AUDIT (its state polled every 25 ms)`,
        raw: `mongoose Model.insertMany(docs, {ordered: true, lean: true}) of the same ${EVENTS} records read back from the service's collection, batches of ${BATCH}, into a fresh collection, one document per record, no secondary index`,
        latency: `${RATE_PER_S} events/s for ${RATE_SECONDS} s after the drain; latency = publish call → the sealed record arrives on DV_AUDIT. The relay gets a record only after its insert was acknowledged, so it is queryable by then: shown after the timing for ${QUERYABLE_CHECKS} events, each looked up in MongoDB as soon as it is DV_AUDIT's last record (queryable_at_arrival)`,
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
        queryable_at_arrival: { checked: ours.reduce((n, t) => n + t.queryable.checked, 0), found: ours.reduce((n, t) => n + t.queryable.found, 0) },
        drain_cpu_us_per_event_by_round: ours.map((t) => t.drain_cpu_us_per_event),
        raw_cpu_us_per_event_by_round: rawTrials.map((r) => r.cpu_us_per_event),
      },
      ratio_ingest: ratio,
      required_ratio: REQUIRED_RATIO,
      pass: ratio >= REQUIRED_RATIO,
    };
  } finally {
    if (mongo) {
      for (const db of dbs)
        await mongo
          .useDb(db)
          .dropDatabase()
          .catch(() => undefined);
      await mongo.close();
    }
    if (nc) await drainNats(nc);
    await mongoServer.stop();
    await servers.stop();
  }
}

benchMain(run);
