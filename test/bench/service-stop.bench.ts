// How long the volume service takes from SIGTERM to its exit with work in flight (decision 0035), as
// gateway.bench.ts runs it at its end: authz and sharing as processes, volumes seeded straight into its
// collection without `nextAttemptAt` (so its reconcile loop keeps sweeping them), and a durable consumer
// that is new (the org's project events are its backlog). Each round starts the volume service from its
// build, lists volumes in a loop, sends SIGTERM after 2 to 6 s, and times the exit; the volumes are made
// due again between rounds. `pass`: every round exited 0 within STOP_BOUND_MS.
// Run: node -r ./scripts/ts-register.js test/bench/service-stop.bench.ts   (BENCH_ROUNDS, BENCH_SCALE)
import { type IdentityInput, VolumeRpc } from '@dv/contracts';
import { EventPublisher, RpcClient, connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { type ServiceProcess, buildProjects, startServiceProcess, startTestBed } from '@dv/testing';
import mongoose from 'mongoose';
import { scaled } from './harness/load';
import { benchMain, machine, progress } from './harness/report';
import { generateOrg, publishOrg, seedVolumes, volumeDoc } from './volume-sharing/seed';

const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const VOLUMES = scaled(2_000);
const STOP_BOUND_MS = 15_000;
/** A stop that takes longer than this is cut (SIGKILL) and counted as hung. */
const HUNG_MS = 120_000;

interface Round {
  exit: number | string | null;
  ms: number;
  /** The service's own account of its stop ("service stopped": stopMs and stepsMs), when it logged one. */
  stopped?: unknown;
  /** Its warnings during the stop (e.g. handlers left running), shortened. */
  warnings: string[];
}

async function run(): Promise<object> {
  const started = Date.now();
  await buildProjects(['volume']);
  const bed = await startTestBed({
    env: { PATH: process.env['PATH'] ?? '' },
    nats: { open: 'the benchmark keeps the setup of gateway.bench.ts, where the stop was seen: no users' },
  });
  const services: ServiceProcess[] = [];
  const nc = await connectNats({ url: bed.natsUrl, name: 'bench-service-stop' });
  const rounds: Round[] = [];
  try {
    await ensureStreams(nc);
    const publisher = new EventPublisher(nc, 'dv/bench-platform');
    const client = new RpcClient(nc, { timeoutMs: 30_000 });
    const org = generateOrg({ clusters: 2, departmentsPerCluster: 5, projectsPerDepartment: 10 });
    await publishOrg(publisher, org);
    const common = { NATS_URL: bed.natsUrl, MONGO_URL: bed.mongoUrl };
    services.push(
      await startServiceProcess({ service: 'authz', env: { ...common, MONGO_DB: 'bench_authz', AUTHZ_BOOTSTRAP_ADMINS: 'user:root' }, timeoutMs: 60_000 }),
    );
    services.push(await startServiceProcess({ service: 'sharing', env: { ...common, MONGO_DB: 'bench_sharing' }, timeoutMs: 60_000 }));
    const now = new Date().toISOString();
    const first = org.projects[0];
    if (first === undefined) throw new Error('no project');
    const docs = Array.from({ length: VOLUMES }, (_, i) => volumeDoc(i, org.projects[i % org.projects.length] ?? first, now));
    await seedVolumes(bed.mongoUrl, 'bench_volume', publisher, docs);
    const volumes = await mongoose.createConnection(bed.mongoUrl, { dbName: 'bench_volume' }).asPromise();
    const env = { ...common, MONGO_DB: 'bench_volume', KUBECONFIG: bed.kubeconfigPath, VOLUME_RESYNC_INTERVAL_MS: '86400000', VOLUME_USAGE_CHECK: 'off' };
    try {
      for (let round = 0; round < ROUNDS; round++) {
        // Every volume due again: the reconcile loop has its whole backlog back.
        await volumes.collection('volumes').updateMany({}, { $unset: { nextAttemptAt: '', attempts: '' } });
        const p = await startServiceProcess({ service: 'volume', mode: 'dist', env, timeoutMs: 60_000 });
        let listing = true;
        const load = (async () => {
          while (listing) await client.call(VolumeRpc.list, { requestType: 'Originated', limit: 50 }, { identity: ROOT }).catch(() => undefined);
        })();
        await new Promise((r) => setTimeout(r, 2000 + Math.random() * 4000));
        const from = p.output().length;
        const t0 = Date.now();
        p.child.kill('SIGTERM');
        const exit = await Promise.race([
          new Promise<number | string | null>((resolve) => p.child.once('exit', (code, signal) => resolve(code ?? signal))),
          new Promise<string>((resolve) => setTimeout(() => resolve(`hung (killed after ${HUNG_MS} ms)`), HUNG_MS)),
        ]);
        const ms = Date.now() - t0;
        if (typeof exit === 'string' && exit.startsWith('hung')) await p.kill();
        listing = false;
        await load;
        const lines = p.output().slice(from).split('\n');
        const stoppedLine = lines.find((l) => l.includes('"msg":"service stopped"') || l.includes('"msg":"service stop gave up"'));
        const stopped: unknown = stoppedLine === undefined ? undefined : JSON.parse(stoppedLine);
        const warnings = lines.filter((l) => l.includes('"level":"warn"')).map((l) => l.slice(0, 300));
        rounds.push({ exit, ms, ...(stopped !== undefined ? { stopped } : {}), warnings });
        progress(`round ${round}: exit ${String(exit)} after ${ms} ms`);
      }
    } finally {
      await volumes.close();
    }
  } finally {
    await drainNats(nc).catch(() => undefined);
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    await bed.stop();
  }
  const times = rounds.map((r) => r.ms);
  return {
    benchmark: 'service-stop',
    machine: machine(),
    setup: {
      volumes: VOLUMES,
      projects: 100,
      rounds: ROUNDS,
      service: 'volume from its build (dist), authz and sharing as processes (ts), open nats-server, FerretDB, kube-apiserver (the test bed)',
      total_seconds: Math.round((Date.now() - started) / 1000),
    },
    rounds,
    max_ms: Math.max(...times),
    stop_bound_ms: STOP_BOUND_MS,
    pass: rounds.every((r) => r.exit === 0 && r.ms < STOP_BOUND_MS),
  };
}

benchMain(run);
