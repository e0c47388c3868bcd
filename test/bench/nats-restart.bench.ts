// NATS restart: nats-server killed (-9) and started again on the same port and store (JetStream data kept)
// while authz, sharing, volume, workload-admission and audit run as real processes; measured, per
// restart, the time from NATS being back (its /healthz says JetStream is up) until every service answers
// at the revision of a write made after the restart (a share toggled through dv.sharing.update, after a
// burst of admitted reviews, each an event): authz check, volume list, sharing list, an admission review
// (all with atLeast = that revision) and an audit query that finds the write's record. Goal: under 5 s.
// The raw baseline is a nats.js request/reply echo on the same server: how long until NATS itself
// answers a new connection again. Prints JSON on stdout.
// Run: node -r ./scripts/ts-register.js test/bench/nats-restart.bench.ts   (BENCH_ROUNDS=3 restarts by default)
import { AdmissionRpc, AuditRpc, AuthzRpc, DvError, type IdentityInput, type Revision, SharingRpc, VolumeRpc } from '@dv/contracts';
import { EventPublisher, RpcClient, connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { type ServiceProcess, startRestartableNats, startServiceProcess, startTestBed } from '@dv/testing';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { ROOT, readyVolume, setUpOrg, shareWithP2 } from './admission/platform';
import { median } from './harness/histogram';
import { benchMain, machine, natsVersions, progress } from './harness/report';

const GOAL_MS = 5000;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** How long NATS stays away each time: every client notices and starts reconnecting. */
const DOWN_MS = Number(process.env['BENCH_NATS_DOWN_MS'] ?? 2000);
/** Admitted reviews right after each restart: more events than a follower that lost its pull asks for again. */
const BURST = 40;
const PLATFORM: IdentityInput = { subjectId: 'workloads', subjectType: 'service-account' };
const ALICE = { subjectId: 'alice', subjectType: 'user' as const };
const L1_RESEARCHER = 5;
const SERVICES = ['authz', 'sharing', 'volume', 'workload-admission', 'audit'] as const;
type Service = (typeof SERVICES)[number];

/** Calls until the call answers (UNAVAILABLE and timeouts count as "not yet"); returns when, after `since`. */
async function answered<T>(since: number, call: () => Promise<T>, accept: (value: T) => boolean = () => true): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if (accept(await call())) return Date.now() - since;
    } catch (error) {
      if (!(error instanceof DvError && error.code === 'UNAVAILABLE')) throw error;
    }
    if (Date.now() > deadline) throw new Error('no answer within 120 s of the restart');
    await new Promise((r) => setTimeout(r, 50));
  }
}

benchMain(async () => {
  const open = 'the benchmark measures catching up after a restart, not permission checks: no users (as the other benchmarks)';
  const nats = await startRestartableNats({ open });
  const bed = await startTestBed({ env: { PATH: process.env['PATH'] ?? '', NATS_URL: nats.url }, nats: { open } });
  const services: ServiceProcess[] = [];
  let nc: NatsConnection | undefined;
  try {
    nc = await connectNats({ url: nats.url, name: 'bench-nats-restart' });
    await ensureStreams(nc);
    const client = new RpcClient(nc, { timeoutMs: 15_000 });
    const publisher = new EventPublisher(nc, 'dv/bench-platform');
    const run = randomUUID().slice(0, 8);
    const kc = new KubeConfig();
    kc.loadFromFile(bed.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    const org = await setUpOrg(publisher, core, run);
    const common = { NATS_URL: nats.url, MONGO_URL: bed.mongoUrl, KUBECONFIG: bed.kubeconfigPath };
    const env: Record<Service, Record<string, string>> = {
      authz: { MONGO_DB: `bench_restart_authz_${run}`, AUTHZ_BOOTSTRAP_ADMINS: 'user:root' },
      sharing: { MONGO_DB: `bench_restart_sharing_${run}` },
      volume: { MONGO_DB: `bench_restart_volume_${run}`, VOLUME_RECONCILE_INTERVAL_MS: '300' },
      'workload-admission': { MONGO_DB: `bench_restart_admission_${run}` },
      audit: { MONGO_DB: `bench_restart_audit_${run}` },
    };
    for (const service of SERVICES) {
      services.push(await startServiceProcess({ service, env: { ...common, ...env[service] }, timeoutMs: 60_000 }));
      progress(`${service} ready`);
    }
    const volume = await readyVolume(client, core, org, 'restart-bench', run);
    await shareWithP2(client, volume.id);
    await client.call(
      AuthzRpc.createAccessRule,
      { subjectType: 'user', subjectId: ALICE.subjectId, roleId: L1_RESEARCHER, scopeType: 'project', scopeId: 'p2' },
      { identity: ROOT },
    );
    progress(`volume ${volume.id} Ready and shared with p2; ${ROUNDS} restarts, NATS down ${DOWN_MS} ms each`);

    const rounds: { service_ms: Record<Service, number>; raw_ms: number; all_ms: number; burst_ms: number; write_ms: number }[] = [];
    let shared = true;
    for (let round = 0; round < ROUNDS; round++) {
      await nats.restart({ downMs: DOWN_MS });
      const back = Date.now();
      // A connection of its own, made now: what is measured is the services, not this client's reconnect.
      const probe = await connectNats({ url: nats.url, name: `bench-probe-${round}` });
      const rawMs = Date.now() - back;
      try {
        const rpc = new RpcClient(probe, { timeoutMs: 2000 });
        const review = (name: string, atLeast?: Revision) =>
          rpc.call(
            AdmissionRpc.review,
            {
              projectId: 'p2',
              workload: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
              subject: ALICE,
              dataVolumes: [{ id: volume.id, mountPath: '/data' }],
              dryRun: !name.startsWith('burst'),
              ...(atLeast ? { atLeast } : {}),
            },
            { identity: PLATFORM },
          );
        await Promise.all(Array.from({ length: BURST }, (_, i) => answered(back, () => review(`burst-${round}-${i}`))));
        const burstMs = Date.now() - back;
        // Cluster c1 added or removed: the volume stays shared with p2, so the reviews' answer does not change.
        const change = shared
          ? { add: [], remove: [{ scopeType: 'cluster' as const, scopeId: 'c1' }] }
          : { add: [{ scopeType: 'cluster' as const, scopeId: 'c1' }], remove: [] };
        let revision: Revision = {};
        const writeMs = await answered(
          back,
          async () => (revision = (await rpc.call(SharingRpc.update, { volumeId: volume.id, ...change }, { identity: ROOT })).revision),
        );
        shared = !shared;
        const atLeast = revision;
        const [authz, sharing, volumeMs, admission, audit] = await Promise.all([
          answered(back, () =>
            rpc.call(
              AuthzRpc.check,
              { subject: ALICE, action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: 'p2' }, atLeast },
              { identity: ROOT },
            ),
          ),
          answered(back, () => rpc.call(SharingRpc.list, { volumeId: volume.id, atLeast }, { identity: ROOT })),
          answered(back, () =>
            rpc.call(VolumeRpc.list, { requestType: 'UsableInProject', usableInProjectId: 'p2', sortBy: 'name', atLeast }, { identity: ROOT }),
          ),
          answered(back, () => review(`after-${round}`, atLeast)),
          answered(
            back,
            () =>
              rpc.call(
                AuditRpc.query,
                {
                  from: new Date(back - 60_000).toISOString(),
                  to: new Date(Date.now() + 60_000).toISOString(),
                  filterBy: [`relatedIds==${volume.id}`],
                  limit: 1,
                  sortBy: 'seq',
                  sortOrder: 'desc',
                },
                { identity: ROOT },
              ),
            (reply) => reply.records.length > 0 && Date.parse(reply.records[0]?.timestamp ?? '') >= back,
          ),
        ]);
        const serviceMs: Record<Service, number> = { authz, sharing, volume: volumeMs, 'workload-admission': admission, audit };
        const allMs = Math.max(...Object.values(serviceMs));
        rounds.push({ service_ms: serviceMs, raw_ms: rawMs, all_ms: allMs, burst_ms: burstMs, write_ms: writeMs });
        progress(
          `restart ${round + 1}: every service answered at the new revision ${allMs} ms after NATS was back (${JSON.stringify(serviceMs)}; burst done ${burstMs} ms, write ${writeMs} ms; raw ${rawMs} ms)`,
        );
      } finally {
        await drainNats(probe);
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
    const all = rounds.map((r) => r.all_ms);
    return {
      benchmark: 'nats-restart',
      pass: Math.max(...all) < GOAL_MS,
      goal: `every service answers at the revision of a write made after a NATS restart within ${GOAL_MS} ms of NATS being back (each restart)`,
      all_services_ms: { median: median(all), max: Math.max(...all), by_restart: all },
      rounds,
      setup: {
        servers:
          'fresh test bed (startTestBed) with a restartable nats-server (startRestartableNats: same port and store, SIGKILL, then started again); authz, sharing, volume, workload-admission and audit as real processes (startServiceProcess)',
        restart: `SIGKILL, ${DOWN_MS} ms down (BENCH_NATS_DOWN_MS), started again; "back" = its /healthz reports JetStream up`,
        load_after_restart: `${BURST} admitted reviews (each a dv.evt.workload.admitted.v1 event), then a sharing change of the volume (cluster c1 added or removed) whose revision every probe asks for`,
        probes:
          "authz check, sharing list, volume list (UsableInProject p2), admission review (dry run) with atLeast = the write's revision; audit query finding the write's record; each retried every 50 ms while UNAVAILABLE, 2 s timeout per call",
        raw: 'raw_ms: a new nats.js connection to the restarted server (how long until NATS itself answers)',
      },
      machine: machine(),
      versions: natsVersions(nc),
    };
  } finally {
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    if (nc) await drainNats(nc).catch(() => undefined);
    await bed.stop();
    await nats.stop();
  }
});
