// Service start-up: every service from its TypeScript (swc at start-up, scripts/ts-register.js: the
// baseline) against its production build (dist/, `nx build`: ours), alternating per round on one test
// bed. Measured: spawn → the "service ready" log line (connections made, streams followed, health up),
// as wall time and as the service process's CPU time at that moment (user + system, /proc: far less
// sensitive than wall time to other load on the machine), the median of the rounds; also the build's
// size per service. Prints JSON.
// Run: node -r ./scripts/ts-register.js test/bench/service-startup.bench.ts   (BENCH_ROUNDS=5 by default)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStreams, connectNats, drainNats } from '@dv/messaging';
import { type ServiceMode, buildProjects, repoRoot, startServiceProcess, startTestBed } from '@dv/testing';
import { median, round1 } from './harness/histogram';
import { processUsage } from './harness/proc';
import { benchMain, machine, progress } from './harness/report';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const SERVICES = ['authz', 'sharing', 'volume', 'workload-admission', 'audit'];

/** Bytes of every file under a folder (JavaScript and source maps of the build). */
function folderBytes(dir: string, only?: (name: string) => boolean): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path, only);
    else if (!only || only(entry.name)) total += statSync(path).size;
  }
  return total;
}

benchMain(async () => {
  const root = repoRoot();
  const buildStarted = performance.now();
  await buildProjects(SERVICES);
  const buildMs = performance.now() - buildStarted;
  const bed = await startTestBed({
    env: { PATH: process.env['PATH'] ?? '' },
    nats: { open: 'start-up time is measured, not permission checks (as the other benchmarks)' },
  });
  try {
    const nc = await connectNats({ url: bed.natsUrl, name: 'bench-startup' });
    await ensureStreams(nc);
    await drainNats(nc);
    const times: Record<string, Record<ServiceMode, number[]>> = Object.fromEntries(SERVICES.map((s) => [s, { ts: [], dist: [] }]));
    const cpu: Record<string, Record<ServiceMode, number[]>> = Object.fromEntries(SERVICES.map((s) => [s, { ts: [], dist: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of (round % 2 === 0 ? ['ts', 'dist'] : ['dist', 'ts']) as ServiceMode[]) {
        for (const service of SERVICES) {
          const started = performance.now();
          const proc = await startServiceProcess({
            service,
            mode,
            env: {
              NATS_URL: bed.natsUrl,
              MONGO_URL: bed.mongoUrl,
              MONGO_DB: `bench_startup_${service.replace(/-/g, '_')}`,
              KUBECONFIG: bed.kubeconfigPath,
              AUTHZ_BOOTSTRAP_ADMINS: 'user:root',
            },
            timeoutMs: 60_000,
          });
          times[service]?.[mode].push(performance.now() - started);
          cpu[service]?.[mode].push(processUsage(proc.child.pid ?? 0).cpuUs / 1000);
          await proc.stop();
        }
        progress(`round ${round + 1}/${ROUNDS} ${mode} done`);
      }
    }
    const perService = Object.fromEntries(
      SERVICES.map((service) => {
        const t = times[service] ?? { ts: [], dist: [] };
        const c = cpu[service] ?? { ts: [], dist: [] };
        const dir = join(root, 'dist/services', service);
        return [
          service,
          {
            ready_ms_median: { ts: round1(median(t.ts)), dist: round1(median(t.dist)) },
            ready_cpu_ms_median: { ts: round1(median(c.ts)), dist: round1(median(c.dist)) },
            dist_cpu_ratio: Math.round((median(c.dist) / median(c.ts)) * 100) / 100,
            build_kib: { js: Math.round(folderBytes(dir, (n) => n.endsWith('.js')) / 1024), with_source_maps: Math.round(folderBytes(dir) / 1024) },
          },
        ];
      }),
    );
    return {
      benchmark: 'service-startup',
      rounds: ROUNDS,
      services: perService,
      build_ms_nx_run_many: Math.round(buildMs),
      machine: machine(),
      // Ours passes when every service needs less CPU to be ready from its build than from its TypeScript.
      pass: SERVICES.every((s) => {
        const c = cpu[s];
        return c !== undefined && median(c.dist) < median(c.ts);
      }),
    };
  } finally {
    await bed.stop();
  }
});
