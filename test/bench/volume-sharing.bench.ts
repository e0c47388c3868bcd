// Volume listing and usability resolution at scale (10,000 volumes, 100,000 sharing entries), each
// measured against a raw nats.js echo in the same run, on the same nats-server, at the same
// concurrency. authz, sharing and volume run as real processes on a fresh test bed (nats-server,
// FerretDB, kube-apiserver). Prints JSON on stdout.
// Run: node -r ./scripts/ts-register.js test/bench/volume-sharing.bench.ts   (BENCH_SCALE=0.1 for a smoke run)
import { AuthzRpc, DvError, type IdentityInput, SharingRpc, VolumeRpc } from '@dv/contracts';
import { EventPublisher, RpcClient, connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { type ServiceProcess, startTestBed } from '@dv/testing';
import { type NatsConnection } from '@nats-io/nats-core';
import { type BenchChild, startBenchChild } from './harness/child';
import { benchConnect } from './harness/connection';
import { LatencyHistogram, median, round1 } from './harness/histogram';
import { type ClosedLoopResult, runClosedLoop, scaled } from './harness/load';
import { rawEchoSubject, runPrefix } from './harness/payload';
import { ownUsage, processUsage } from './harness/proc';
import { benchMain, machine, natsVersions, progress } from './harness/report';
import { metricsMemoryMb, residentMb } from './volume-sharing/memory';
import { generateOrg, publishOrg, seedSharing, seedSharingDirect, seedVolumes, volumeDoc } from './volume-sharing/seed';
import { until } from './harness/until';
import { startVolumeServices } from './volume-sharing/services';

const REQUIRED_RESOLVE_RATIO = 0.5;
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 32);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const VOLUMES = scaled(10_000);
const ENTRIES = scaled(100_000);
const ORG = { clusters: 5, departmentsPerCluster: 10, projectsPerDepartment: 10 };
const PLAN = {
  // Lists answer from the volume service's in-memory read model (no FerretDB query): as many as resolves, less a bit.
  list: { requests: scaled(4_000), warmup: scaled(800) },
  resolve: { requests: scaled(20_000), warmup: scaled(4_000) },
  raw: { requests: scaled(20_000), warmup: scaled(4_000) },
} as const;
type Op = keyof typeof PLAN;

const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const READER: IdentityInput = { subjectId: 'reader', subjectType: 'user' };
const VIEWER_ROLE = 7;
const LOGS = {};

interface Measured {
  op: Op;
  concurrency: number;
  requests: number;
  throughput: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
  mean_us: number;
  throughput_by_round: number[];
  errors: number;
  /** CPU microseconds per request (median of rounds) of this client and of each service process. */
  cpu_us_per_request: Record<string, number>;
}

async function run(): Promise<object> {
  const started = Date.now();
  const loadAtStart = machine().load_average;
  const bed = await startTestBed({
    env: { PATH: process.env['PATH'] ?? '' },
    nats: { open: "the benchmark keeps its baseline's setup: no users (permission checks are measured by none of its figures)" },
  });
  const services: ServiceProcess[] = [];
  let nc: NatsConnection | undefined;
  let rawClient: NatsConnection | undefined;
  let raw: BenchChild | undefined;
  try {
    nc = await connectNats({ url: bed.natsUrl, name: 'bench-volume-sharing' });
    await ensureStreams(nc);
    const publisher = new EventPublisher(nc, 'dv/bench-platform');
    const client = new RpcClient(nc, { timeoutMs: 30_000 });

    const org = generateOrg(ORG);
    progress(`org: 1 tenant, ${org.clusters.length} clusters, ${org.departments.length} departments, ${org.projects.length} projects`);
    const platform = await publishOrg(publisher, org);

    await startVolumeServices(bed, services, LOGS);
    const [authzProc, sharingProc, volumeProc] = services;
    const volumeRss = { started_mb: residentMb(volumeProc?.child.pid), seeded_mb: Number.NaN, end_mb: Number.NaN };
    // The same moments from the process's own /metrics: resident vs V8 heap used and reserved, external.
    const volumeMemory: Record<string, Record<string, number>> = { started: await metricsMemoryMb(volumeProc?.healthPort) };

    const { revision: granted } = await client.call(
      AuthzRpc.createAccessRule,
      { subjectType: 'user', subjectId: 'reader', roleId: VIEWER_ROLE, scopeType: 'tenant', scopeId: org.tenantId },
      { identity: ROOT, timeoutMs: 30_000 },
    );
    const lastProject = org.projects[org.projects.length - 1];
    if (!lastProject) throw new Error('no projects');
    // The volume service knows the org once a UsableInProject list of the last project answers.
    await until('volume service knows the org', async () => {
      await client.call(
        VolumeRpc.count,
        { requestType: 'UsableInProject', usableInProjectId: lastProject.id, atLeast: { ...granted, platform } },
        { identity: READER },
      );
      return true;
    });

    const seedStart = Date.now();
    const now = new Date().toISOString();
    const docs = Array.from({ length: VOLUMES }, (_, i) => volumeDoc(i, org.projects[i % org.projects.length] ?? lastProject, now));
    const events = await seedVolumes(bed.mongoUrl, 'bench_volume', publisher, docs);
    const volumesMs = Date.now() - seedStart;
    progress(`${VOLUMES} volumes inserted and their Ready events published in ${volumesMs} ms`);
    const lastDoc = docs[docs.length - 1];
    if (!lastDoc) throw new Error('no volumes');
    // The volume service lists from its read model, which follows those events: wait until it has them all.
    await until('the volume service read model has the volumes', async () => {
      const { count } = await client.call(VolumeRpc.count, { requestType: 'Originated', atLeast: { events } }, { identity: READER });
      return count === VOLUMES ? true : undefined;
    });
    progress(`volume service read model caught up with ${VOLUMES} volumes after ${Date.now() - seedStart} ms`);
    await until('sharing knows the volumes', async () => {
      const r = await client.call(SharingRpc.resolve, { volumeId: lastDoc._id, projectId: lastDoc.projectId, atLeast: { events } }, { identity: READER });
      return r.usable ? true : undefined;
    });

    const shareStart = Date.now();
    const viaRpc = process.env['BENCH_SHARING_SEED'] === 'rpc';
    const sharing = viaRpc
      ? await seedSharing(
          client,
          ROOT,
          org,
          docs.map((d) => d._id),
          ENTRIES,
          16,
          { events, platform },
        )
      : await seedSharingDirect(bed.mongoUrl, 'bench_sharing', publisher, org, docs, ENTRIES).then((r) => ({ calls: r.volumes, revision: r.revision }));
    const sharingMs = Date.now() - shareStart;
    const sharingHow = viaRpc
      ? `through ${sharing.calls} dv.sharing.update calls (50 adds each, 16 in flight, as root)`
      : `SEEDING BYPASSES dv.sharing.update: ${sharing.calls} sharing_lists documents inserted straight into the sharing service's collection (its mongoose model) and a dv.evt.volume.shared.v1 event with the whole list published for each, which the running sharing service applies (BENCH_SHARING_SEED=rpc goes through dv.sharing.update instead: ~1.3 s per call of 50 adds on this machine, 2,000 calls too long)`;
    progress(`${ENTRIES} sharing entries ${sharingHow} in ${sharingMs} ms`);
    const after = { events: Math.max(sharing.revision, granted.events ?? 0), platform };
    await until('sharing applied the lists', () =>
      client.call(SharingRpc.resolve, { volumeId: lastDoc._id, projectId: lastDoc.projectId, atLeast: after }, { identity: READER }),
    );
    await until('the volume service followed the sharing events too', () =>
      client.call(VolumeRpc.count, { requestType: 'Originated', atLeast: after }, { identity: READER }),
    );
    volumeRss.seeded_mb = residentMb(volumeProc?.child.pid);
    volumeMemory['seeded'] = await metricsMemoryMb(volumeProc?.healthPort);

    // The operations. Requests rotate over projects and volumes from a fixed sequence.
    const listRequest = (i: number) => ({
      requestType: 'UsableInProject' as const,
      usableInProjectId: org.projects[(i * 37) % org.projects.length]?.id ?? lastProject.id,
      sortBy: 'name' as const,
      sortOrder: 'asc' as const,
      limit: 50,
      offset: 0,
    });
    const resolveRequest = (i: number) => ({
      volumeId: docs[(i * 7919) % docs.length]?._id ?? lastDoc._id,
      projectId: org.projects[(i * 37) % org.projects.length]?.id ?? lastProject.id,
    });
    const resolvePayload = JSON.stringify(resolveRequest(0));
    const prefix = runPrefix();
    raw = await startBenchChild('rpc-responder.ts', { impl: 'raw', natsUrl: bed.natsUrl, prefix });
    rawClient = await benchConnect(bed.natsUrl, 'bench-raw-client', 'raw');
    const rawConn = rawClient;
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    const rawSubject = rawEchoSubject(prefix);
    const rawPayloads = Array.from({ length: 1024 }, (_, i) => encoder.encode(JSON.stringify(resolveRequest(i))));
    const ops: Record<Op, (i: number) => Promise<unknown>> = {
      list: (i) => client.call(VolumeRpc.list, listRequest(i), { identity: READER, timeoutMs: 300_000 }),
      resolve: (i) => client.call(SharingRpc.resolve, resolveRequest(i), { identity: READER }),
      raw: async (i) =>
        JSON.parse(decoder.decode((await rawConn.request(rawSubject, rawPayloads[i % rawPayloads.length], { timeout: 30_000 })).data)) as unknown,
    };

    // What one of each returns, for the report (and to fail early).
    const samplePage = await client.call(VolumeRpc.list, listRequest(1), { identity: READER });
    const sampleResolve = await client.call(SharingRpc.resolve, resolveRequest(1), { identity: READER });
    const usableCount = async (projectId: string): Promise<number> => {
      let n = 0;
      let after: string | undefined;
      do {
        const page = await client.call(SharingRpc.usableVolumes, { projectId, ...(after ? { after } : {}) }, { identity: READER });
        n += page.volumeIds.length;
        after = page.next;
      } while (after);
      return n;
    };
    const usableCounts = await Promise.all(org.projects.slice(0, 20).map((p) => usableCount(p.id)));

    const pids: Record<string, number | undefined> = {
      authz: authzProc?.child.pid,
      sharing: sharingProc?.child.pid,
      volume: volumeProc?.child.pid,
    };
    const cpuNow = (): Record<string, number> => {
      const out: Record<string, number> = { client: ownUsage().cpuUs };
      for (const [name, pid] of Object.entries(pids)) if (pid) out[name] = processUsage(pid).cpuUs;
      return out;
    };

    const rounds = new Map<Op, { result: ClosedLoopResult; cpu: Record<string, number> }[]>([
      ['list', []],
      ['resolve', []],
      ['raw', []],
    ]);
    const order: Op[] = ['raw', 'resolve', 'list'];
    for (const op of order) {
      progress(`warm-up ${op}: ${PLAN[op].warmup} requests at concurrency ${CONCURRENCY}`);
      const w = await runClosedLoop({ concurrency: CONCURRENCY, operations: PLAN[op].warmup, op: ops[op] });
      if (w.errors > 0) throw new Error(`${op} warm-up: ${w.errors} failed; first: ${String(w.firstError)}`);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const op of round % 2 === 0 ? order : [...order].reverse()) {
        const before = cpuNow();
        const result = await runClosedLoop({ concurrency: CONCURRENCY, operations: PLAN[op].requests, op: ops[op] });
        const afterCpu = cpuNow();
        if (result.errors > 0) {
          const first = result.firstError;
          throw new Error(
            `${op}: ${result.errors} of ${result.operations} failed; first: ${first instanceof DvError ? `${first.code} ${first.message}` : String(first)}`,
          );
        }
        const cpu: Record<string, number> = {};
        for (const key of Object.keys(afterCpu)) {
          cpu[key] = ((afterCpu[key] ?? 0) - (before[key] ?? 0)) / result.operations;
        }
        rounds.get(op)?.push({ result, cpu });
        progress(
          `${op} round ${round + 1}/${ROUNDS}: ${Math.round(result.throughput)} req/s, p50 ${round1(result.latency.percentile(50))} us, p99 ${round1(result.latency.percentile(99))} us`,
        );
      }
    }

    volumeRss.end_mb = residentMb(volumeProc?.child.pid);
    volumeMemory['end'] = await metricsMemoryMb(volumeProc?.healthPort);
    const results: Measured[] = order.map((op) => {
      const list = rounds.get(op) ?? [];
      const latency = new LatencyHistogram();
      for (const r of list) latency.merge(r.result.latency);
      const cpuKeys = Object.keys(list[0]?.cpu ?? {});
      return {
        op,
        concurrency: CONCURRENCY,
        requests: list.reduce((n, r) => n + r.result.operations, 0),
        throughput: round1(median(list.map((r) => r.result.throughput))),
        ...latency.summary(),
        throughput_by_round: list.map((r) => round1(r.result.throughput)),
        errors: list.reduce((n, r) => n + r.result.errors, 0),
        cpu_us_per_request: Object.fromEntries(cpuKeys.map((k) => [k, Math.round(median(list.map((r) => r.cpu[k] ?? 0)))])),
      };
    });
    const tp = (op: Op): number => results.find((r) => r.op === op)?.throughput ?? Number.NaN;
    const ratio = Math.round((tp('resolve') / tp('raw')) * 1000) / 1000;
    return {
      benchmark: 'volume-sharing',
      node: process.version,
      nats: natsVersions(nc),
      machine: machine(),
      setup: {
        servers:
          'fresh test bed (@dv/testing startTestBed): nats-server with JetStream, FerretDB, etcd + kube-apiserver; authz, sharing and volume as real processes (startServiceProcess)',
        org: `1 tenant, ${org.clusters.length} clusters, ${org.departments.length} departments, ${org.projects.length} projects (platform events)`,
        caller: `user reader with Viewer (role ${VIEWER_ROLE}) on the tenant`,
        volumes: `${VOLUMES} Ready volumes, ${Math.round(VOLUMES / org.projects.length)} per project. SEEDING BYPASSES CREATE: documents inserted straight into the volume service's datavolumes collection (its mongoose model) and a dv.evt.volume.ready.v1 event published for each (as its outbox relay would); no Kubernetes objects, Ready drift checks off during the run. Took ${volumesMs} ms.`,
        sharing: `${ENTRIES} entries: the first ${sharing.calls} volumes shared with 50 distinct scopes each (clusters, departments, projects), ${sharingHow}. Took ${sharingMs} ms.`,
        usable_volumes_per_project: {
          min: Math.min(...usableCounts),
          median: median(usableCounts),
          max: Math.max(...usableCounts),
          sampled_projects: usableCounts.length,
        },
        list: "dv.volume.list UsableInProject, page of 50 sorted by name, rotating over projects, no atLeast: the domain stream's head (one JetStream STREAM.INFO), authz check, project lookup (FerretDB, by _id), then select (origin project, or shared with the project, its department or its cluster), sort, count and page in the volume service's in-memory read model, fed by the volume and sharing events (no volume query to FerretDB, no call for usable ids), and dv.sharing.list-many (→ authz permitted-scopes) for the page's sharedScopes",
        resolve: 'dv.sharing.resolve of a rotating (volume, project) pair: answered from memory',
        raw: `nats.js echo: child process with nc.subscribe (queue) + m.respond(m.data); client with nats.js connect() defaults, JSON.stringify + nc.request + JSON.parse of a resolve request (${resolvePayload.length} bytes)`,
        sample_page: {
          totalRecords: samplePage.totalRecords,
          returned: samplePage.datavolumes.length,
          first: samplePage.datavolumes[0]?.name,
          shared_scopes_on_page: samplePage.datavolumes.reduce((n, v) => n + v.sharedScopes.length, 0),
        },
        sample_resolve: sampleResolve,
        volume_process_rss_mb: volumeRss,
        volume_process_memory_mb_from_metrics: volumeMemory,
        load_average_at_start: loadAtStart,
        method: `closed loop, ${CONCURRENCY} in flight; warm-up per operation, then ${ROUNDS} rounds alternating the order; throughput = median of rounds, latency percentiles over all rounds; cpu_us_per_request: CPU time per request of the client (this process, shared by all three) and of each service process`,
        total_seconds: Math.round((Date.now() - started) / 1000),
      },
      results,
      resolve_ratio: ratio,
      required_resolve_ratio: REQUIRED_RESOLVE_RATIO,
      pass: ratio >= REQUIRED_RESOLVE_RATIO,
    };
  } finally {
    if (rawClient) await drainNats(rawClient).catch(() => undefined);
    if (nc) await drainNats(nc).catch(() => undefined);
    await raw?.stop();
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    await bed.stop();
  }
}

benchMain(run);
