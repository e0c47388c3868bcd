// Audit at scale (issue 12, finding 5): 200,000 records on the default store (FerretDB on SQLite),
// then, in the same run: the service's ready time after a restart, dv.audit.query latency (time
// ranges, filters, sorts, pages), CSV export throughput with the service's memory, and verify
// throughput. Prints JSON (see docs/benchmarks.md).
// Run: node -r ./scripts/ts-register.js test/bench/audit-scale.bench.ts
//   BENCH_AUDIT_RECORDS (default 200000), BENCH_AUDIT_QUERY_ROUNDS (default 20), BENCH_AUDIT_BATCH (records per
//   sealed batch while loading, default 1000: smaller batches make smaller segments, as a light load does)
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditRpc, type EventEnvelope, type IdentityInput, type RpcRequestInput } from '@dv/contracts';
import { RpcClient, drainNats, ensureStreams } from '@dv/messaging';
import { type ServiceProcess, ensureBinaries, httpRequest, startMongo, startServiceProcess, waitFor } from '@dv/testing';
import { type NatsConnection } from '@nats-io/nats-core';
import mongoose, { type Connection } from 'mongoose';
/* eslint-disable @nx/enforce-module-boundaries -- the records are loaded through the service's own writer (the fast path the issue allows), and exported with its CLI's loop */
import { exportRange } from '../../services/audit/src/cli/export-range';
import { ChainWriter, prepareDraft } from '../../services/audit/src/ingest/chain-writer';
import { eventToDraft } from '../../services/audit/src/ingest/event-to-record';
import { auditCollections } from '../../services/audit/src/records/audit-record.model';
import { AuditStore } from '../../services/audit/src/store/audit-store';
/* eslint-enable @nx/enforce-module-boundaries */
import { benchConnect } from './harness/connection';
import { LatencyHistogram, round1 } from './harness/histogram';
import { benchMain, machine, natsVersions, progress } from './harness/report';
import { startBenchServers } from './harness/servers';

const RECORDS = Number(process.env['BENCH_AUDIT_RECORDS'] ?? 200_000);
const QUERY_ROUNDS = Number(process.env['BENCH_AUDIT_QUERY_ROUNDS'] ?? 20);
const BATCH = Number(process.env['BENCH_AUDIT_BATCH'] ?? 1000);
/** One event every 100 ms of event time: 200,000 records span about 5.5 hours, ending now. */
const SPACING_MS = 100;
const VOLUMES = 2000;
const USERS = 50;
const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const GOALS = { ready_s: 5, query_p99_ms: 500, export_records_per_s: 10_000, verify_records_per_s: 50_000 };

const volumeOf = (i: number): string => `vol-${(i * 7919) % VOLUMES}`;
const userOf = (i: number): string => `user-${i % USERS}@acme.example`;

function envelope(i: number, start: number): EventEnvelope {
  const volume = volumeOf(i);
  return {
    specversion: '1.0',
    id: `bench-${i}`,
    source: 'dv/bench',
    type: 'dv.evt.bench-volume.updated.v1',
    time: new Date(start + i * SPACING_MS).toISOString(),
    datacontenttype: 'application/json',
    actorid: userOf(i),
    actortype: 'user',
    subject: volume,
    requestid: `req-${i}`,
    scopetype: 'project',
    scopeid: `p-${i % 20}`,
    data: { volumeId: volume, name: `dataset-${i % VOLUMES}`, clusterId: 'c1', description: 'x'.repeat(200) },
  } as EventEnvelope;
}

async function mongoServer(): Promise<{ url: string; kind: string; stop: () => Promise<void> }> {
  const external = process.env['MONGO_URL'];
  if (external) return { url: external, kind: 'MONGO_URL', stop: async () => undefined };
  const { ferretdb } = await ensureBinaries({ builds: ['ferretdb'] });
  const dir = await mkdtemp(join(tmpdir(), 'dv-bench-audit-scale-'));
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

/** Loads the records through the service's own writer (the chain, the keys, the posting lists), in batches of BATCH. */
async function load(connection: Connection, start: number): Promise<{ seconds: number; init_ms: number }> {
  const store = new AuditStore(auditCollections(connection));
  const writer = new ChainWriter(store);
  await writer.init();
  const t0 = Date.now();
  for (let i = 0; i < RECORDS; i += BATCH) {
    const items = Array.from({ length: Math.min(BATCH, RECORDS - i) }, (_, k) => prepareDraft(eventToDraft(envelope(i + k, start))));
    const result = await writer.write(items);
    if (result.sealed.length !== items.length) throw new Error(`batch at ${i}: ${result.sealed.length} of ${items.length} sealed`);
    if ((i / BATCH) % 20 === 19) progress(`loaded ${i + items.length} records (${Math.round((i + items.length) / ((Date.now() - t0) / 1000))}/s)`);
  }
  await writer.saveHead();
  const seconds = (Date.now() - t0) / 1000;
  // Everything counts as relayed (a fresh DV_AUDIT would otherwise receive all of it at the service's start).
  const head = writer.currentHead();
  await store.c.chain.updateOne({ _id: 'relay' }, { $set: { seq: head?.seq ?? 0 } }, { upsert: true });
  // The tail check a restart runs, timed in this process (no service boot around it).
  const t1 = process.hrtime.bigint();
  const check = await new ChainWriter(new AuditStore(auditCollections(connection))).init();
  const initMs = Number(process.hrtime.bigint() - t1) / 1e6;
  if (check.problem) throw new Error(`tail check: ${check.problem.message}`);
  return { seconds, init_ms: round1(initMs) };
}

function rssKb(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function startAudit(
  natsUrl: string,
  mongoUrl: string,
  db: string,
): Promise<{ service: ServiceProcess; spawn_to_ready_ms: number; spawn_to_readyz_ok_ms: number }> {
  const t0 = Date.now();
  const service = await startServiceProcess({ service: 'audit', env: { NATS_URL: natsUrl, MONGO_URL: mongoUrl, MONGO_DB: db }, timeoutMs: 300_000 });
  const ready = Date.now() - t0;
  await waitFor(async () => JSON.parse((await httpRequest(`http://127.0.0.1:${service.healthPort}/readyz`)).body).status === 'ok', {
    timeoutMs: 120_000,
    intervalMs: 20,
    what: 'audit /readyz ok',
  });
  return { service, spawn_to_ready_ms: ready, spawn_to_readyz_ok_ms: Date.now() - t0 };
}

type Query = RpcRequestInput<typeof AuditRpc.query>;

async function run(): Promise<object> {
  const servers = await startBenchServers();
  const mongo = await mongoServer();
  const db = `bench_audit_scale_${randomUUID().slice(0, 8)}`;
  const authzDb = `${db}_authz`;
  let nc: NatsConnection | undefined;
  let connection: Connection | undefined;
  const services: ServiceProcess[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'dv-bench-audit-export-'));
  try {
    nc = await benchConnect(servers.natsUrl, 'bench-audit-scale', 'ours');
    await ensureStreams(nc);
    connection = await mongoose.createConnection(mongo.url, { dbName: db }).asPromise();
    const end = Date.now();
    const start = end - RECORDS * SPACING_MS;
    progress(`loading ${RECORDS} records through the service's writer`);
    const loaded = await load(connection, start);
    progress(`loaded in ${round1(loaded.seconds)} s; the tail check (ChainWriter.init) took ${loaded.init_ms} ms in process`);

    const authz = await startServiceProcess({
      service: 'authz',
      env: { NATS_URL: servers.natsUrl, MONGO_URL: mongo.url, MONGO_DB: authzDb, AUTHZ_BOOTSTRAP_ADMINS: `user:${ROOT.subjectId}` },
      timeoutMs: 120_000,
    });
    services.push(authz);
    // First start, then the restart that is measured (and a second one, to see the spread).
    const first = await startAudit(servers.natsUrl, mongo.url, db);
    await first.service.stop();
    const restarts = [];
    let audit: ServiceProcess | undefined;
    for (let i = 0; i < 2; i++) {
      const started = await startAudit(servers.natsUrl, mongo.url, db);
      restarts.push({ spawn_to_ready_ms: started.spawn_to_ready_ms, spawn_to_readyz_ok_ms: started.spawn_to_readyz_ok_ms });
      if (i === 0) await started.service.stop();
      else audit = started.service;
    }
    if (!audit) throw new Error('no audit service');
    services.push(audit);
    progress(`restarts: ${JSON.stringify(restarts)}`);

    const client = new RpcClient(nc, { timeoutMs: 600_000 });
    const iso = (ms: number): string => new Date(ms).toISOString();
    const whole = { from: iso(start - 60_000), to: iso(end + 60_000) };
    const shapes: { name: string; query: (r: number) => Query }[] = [
      { name: 'last minute, newest 10', query: () => ({ from: iso(end - 60_000), to: iso(end), sortOrder: 'desc', limit: 10 }) },
      { name: 'last hour, page 3 of 50', query: () => ({ from: iso(end - 3_600_000), to: iso(end), offset: 100, limit: 50 }) },
      { name: 'whole range, deep page (offset 150,000)', query: () => ({ ...whole, offset: 150_000, limit: 50 }) },
      { name: 'entity id, whole range', query: (r) => ({ ...whole, filterBy: [`entityId==${volumeOf(r * 13)}`] }) },
      {
        name: 'entity id, last hour, newest first',
        query: (r) => ({ from: iso(end - 3_600_000), to: iso(end), filterBy: [`entityId==${volumeOf(r * 17)}`], sortOrder: 'desc' }),
      },
      {
        name: 'subject, whole range, newest first, page 2',
        query: (r) => ({ ...whole, filterBy: [`subject==${userOf(r)}`], sortOrder: 'desc', offset: 50, limit: 50 }),
      },
      { name: 'request id', query: (r) => ({ ...whole, filterBy: [`requestId==req-${(r * 9973) % RECORDS}`] }) },
      {
        name: 'related volume, sorted by seq',
        query: (r) => ({ ...whole, filterBy: [`relatedIds==${volumeOf(r * 31)}`], sortBy: 'seq', sortOrder: 'desc', limit: 20 }),
      },
      {
        name: 'entity id and result, last hour',
        query: (r) => ({ from: iso(end - 3_600_000), to: iso(end), filterBy: [`entityId==${volumeOf(r * 19)}`, 'result==Succeeded'] }),
      },
    ];
    const all = new LatencyHistogram();
    const byShape: Record<string, { p50_ms: number; p99_ms: number; max_ms: number; total_records: number }> = {};
    for (const shape of shapes) {
      const h = new LatencyHistogram();
      let total = 0;
      for (let r = 0; r < QUERY_ROUNDS; r++) {
        const t = process.hrtime.bigint();
        const reply = await client.call(AuditRpc.query, shape.query(r), { identity: ROOT, timeoutMs: 600_000 });
        const ns = process.hrtime.bigint() - t;
        h.recordNs(ns);
        all.recordNs(ns);
        total = reply.totalRecords;
        if (reply.records.length === 0 && reply.totalRecords > 0 && shape.name !== 'whole range, deep page (offset 150,000)')
          throw new Error(`${shape.name}: no records`);
      }
      const s = h.summary();
      byShape[shape.name] = { p50_ms: round1(s.p50_us / 1000), p99_ms: round1(s.p99_us / 1000), max_ms: round1(s.max_us / 1000), total_records: total };
      progress(`query ${shape.name}: ${JSON.stringify(byShape[shape.name])}`);
    }
    const q = all.summary();

    // CSV export of everything, chunk by chunk (the CLI's loop), the service's RSS sampled meanwhile.
    const pid = audit.child.pid;
    const rssBefore = rssKb(pid);
    let rssMax = rssBefore;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssKb(pid))), 100);
    const file = join(dir, 'audit.csv');
    const t0 = process.hrtime.bigint();
    const exported = await exportRange(client, { ...whole, format: 'csv', file, identity: ROOT, chunkRecords: 5000 });
    const exportS = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(sampler);
    const bytes = (await stat(file)).size;
    progress(`export: ${exported.records} records in ${exported.chunks} chunks, ${round1(exportS)} s, RSS ${rssBefore} → max ${rssMax} kB`);
    // The service records the events of authz beside it too: a few more than were loaded.
    if (exported.records < RECORDS) throw new Error(`export wrote ${exported.records} of ${RECORDS} records`);

    const t1 = process.hrtime.bigint();
    const verified = await client.call(AuditRpc.verify, {}, { identity: ROOT, timeoutMs: 600_000 });
    const verifyS = Number(process.hrtime.bigint() - t1) / 1e9;
    progress(`verify: ${JSON.stringify({ ok: verified.ok, checked: verified.checked })} in ${round1(verifyS)} s`);
    if (!verified.ok || verified.checked < RECORDS) throw new Error(`verify: ${JSON.stringify(verified)}`);

    const readyMs = Math.max(...restarts.map((r) => r.spawn_to_readyz_ok_ms));
    const results = {
      records: RECORDS,
      load_seconds: round1(loaded.seconds),
      load_records_per_s: Math.round(RECORDS / loaded.seconds),
      tail_check_in_process_ms: loaded.init_ms,
      ready_after_restart_ms: restarts,
      query_p50_ms: round1(q.p50_us / 1000),
      query_p99_ms: round1(q.p99_us / 1000),
      query_max_ms: round1(q.max_us / 1000),
      query_samples: all.count,
      query_by_shape: byShape,
      export_csv: {
        records: exported.records,
        chunks: exported.chunks,
        seconds: round1(exportS),
        records_per_s: Math.round(exported.records / exportS),
        mb: round1(bytes / 2 ** 20),
        service_rss_kb_before: rssBefore,
        service_rss_kb_max: rssMax,
      },
      verify: { checked: verified.checked, seconds: round1(verifyS), records_per_s: Math.round(verified.checked / verifyS) },
    };
    const pass = {
      ready: readyMs < GOALS.ready_s * 1000,
      query_p99: results.query_p99_ms < GOALS.query_p99_ms,
      export: results.export_csv.records_per_s > GOALS.export_records_per_s,
      verify: results.verify.records_per_s > GOALS.verify_records_per_s,
    };
    return {
      benchmark: 'audit-scale',
      node: process.version,
      nats: natsVersions(nc),
      machine: machine(),
      setup: {
        mongo: `${mongo.kind} ${mongo.url}`,
        load: `${RECORDS} records (event times ${SPACING_MS} ms apart, ending now; ${VOLUMES} volumes, ${USERS} users, a request id each, ~200 bytes of data) sealed by the service's ChainWriter in this process, batches of ${BATCH}; relay checkpoint set to the head`,
        service: 'services/audit as its own process, authz beside it; ready = spawn → /readyz ok (node boot and TypeScript register included)',
        queries: `${shapes.length} shapes × ${QUERY_ROUNDS}, one at a time, over NATS (authz read check included)`,
        export: 'exportRange (the export CLI) of the whole range as CSV, 5000-record chunks (each under 512 KiB)',
        goals: GOALS,
      },
      results,
      pass_by_goal: pass,
      pass: Object.values(pass).every(Boolean),
    };
  } finally {
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    if (connection) {
      await connection.dropDatabase().catch(() => undefined);
      await connection
        .useDb(authzDb)
        .dropDatabase()
        .catch(() => undefined);
      await connection.close();
    }
    if (nc) await drainNats(nc);
    await rm(dir, { recursive: true, force: true });
    await mongo.stop();
    await servers.stop();
  }
}

benchMain(run);
