// What replication costs: admission reviews (admitted, each one a dv.evt.workload.admitted.v1 event
// stored before the answer) and volume creates (a MongoDB write, its event published and acked) on a
// three-node JetStream cluster (every stream with three replicas, clients given the three URLs) vs a
// single nats-server (one replica), in the same run: two platforms (authz, sharing, volume,
// workload-admission as processes) on the same test bed's MongoDB and kube-apiserver, measured in
// alternating rounds (single, cluster, single, cluster…) so that the machine's other load hits both.
// Baseline: the single node. Throughput and p50/p99 per operation. Prints JSON on stdout.
// Run: node -r ./scripts/ts-register.js test/bench/nats-cluster.bench.ts   (BENCH_ROUNDS=2, BENCH_REVIEWS=200, BENCH_CREATES=24)
import { AdmissionRpc, VolumeRpc } from '@dv/contracts';
import { EventPublisher, RpcClient, connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { type RunningServer, type ServiceProcess, startIsolatedNats, startNatsCluster, startServiceProcess, startTestBed } from '@dv/testing';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { ROOT, type BenchOrg, originPvc, readyVolume, setUpOrg, shareWithP2 } from './admission/platform';
import { LatencyHistogram, round1 } from './harness/histogram';
import { runClosedLoop } from './harness/load';
import { benchMain, machine, natsVersions, progress } from './harness/report';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const REVIEWS = Number(process.env['BENCH_REVIEWS'] ?? 200);
const CREATES = Number(process.env['BENCH_CREATES'] ?? 24);
const REVIEW_CONCURRENCY = 8;
const CREATE_CONCURRENCY = 4;
const SERVICES = ['authz', 'sharing', 'volume', 'workload-admission'] as const;

interface Platform {
  label: 'single' | 'cluster';
  nats: RunningServer;
  nc: NatsConnection;
  client: RpcClient;
  org: BenchOrg;
  run: string;
  volumeId: string;
  services: ServiceProcess[];
  review: LatencyHistogram;
  create: LatencyHistogram;
  reviewRates: number[];
  createRates: number[];
}

benchMain(async () => {
  const open = 'the benchmark measures what replication costs, not permission checks: no users (as the other benchmarks)';
  const single = await startIsolatedNats({ open });
  const cluster = await startNatsCluster({ open });
  const bed = await startTestBed({ env: { PATH: process.env['PATH'] ?? '', NATS_URL: single.url }, nats: { open } });
  const platforms: Platform[] = [];
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(bed.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);
    for (const [label, nats, replicas] of [
      ['single', single, 1],
      ['cluster', cluster, 3],
    ] as const) {
      const run = randomUUID().slice(0, 8);
      const nc = await connectNats({ url: nats.url, name: `bench-${label}` });
      await ensureStreams(nc, { replicas });
      const org = await setUpOrg(new EventPublisher(nc, 'dv/bench-platform'), core, run);
      const p: Platform = {
        label,
        nats,
        nc,
        client: new RpcClient(nc, { timeoutMs: 15_000 }),
        org,
        run,
        volumeId: '',
        services: [],
        review: new LatencyHistogram(),
        create: new LatencyHistogram(),
        reviewRates: [],
        createRates: [],
      };
      platforms.push(p);
      const common = { NATS_URL: nats.url, MONGO_URL: bed.mongoUrl, KUBECONFIG: bed.kubeconfigPath };
      for (const service of SERVICES) {
        p.services.push(
          await startServiceProcess({
            service,
            env: {
              ...common,
              MONGO_DB: `bench_cluster_${service.replace(/-/g, '_')}_${run}`,
              ...(service === 'authz' ? { AUTHZ_BOOTSTRAP_ADMINS: 'user:root' } : {}),
              ...(service === 'volume' ? { VOLUME_RECONCILE_INTERVAL_MS: '300' } : {}),
            },
            timeoutMs: 60_000,
          }),
        );
      }
      const volume = await readyVolume(p.client, core, p.org, `cluster-bench-${label}`, run);
      await shareWithP2(p.client, volume.id);
      p.volumeId = volume.id;
      progress(`${label}: ${SERVICES.join(', ')} ready on ${nats.url} (streams with ${replicas} replica(s)); volume ${volume.id} shared with p2`);
    }

    for (let round = 0; round < ROUNDS; round++) {
      for (const p of platforms) {
        // Origin PVCs first, outside the timing: the create is what is measured.
        const names = Array.from({ length: CREATES }, (_, i) => `cb-${p.run}-${round}-${i}`);
        for (const name of names) await originPvc(core, p.org.namespaces.p1, name, p.run);
        const reviews = await runClosedLoop({
          concurrency: REVIEW_CONCURRENCY,
          operations: REVIEWS,
          op: async (i) => {
            const name = `pod-${round}-${i}`;
            const reply = await p.client.call(
              AdmissionRpc.review,
              {
                projectId: 'p2',
                workload: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
                subject: { subjectId: 'root', subjectType: 'user' },
                dataVolumes: [{ id: p.volumeId, mountPath: '/data' }],
                workloadId: `${p.run}-${name}`,
              },
              { identity: ROOT },
            );
            if (!reply.allowed) throw new Error(`review denied: ${JSON.stringify(reply)}`);
          },
        });
        const creates = await runClosedLoop({
          concurrency: CREATE_CONCURRENCY,
          operations: CREATES,
          op: (i) =>
            p.client.call(
              VolumeRpc.create,
              { name: names[i] ?? '', projectId: 'p1', originPvcName: names[i] ?? '', useOriginalVolume: true },
              { identity: ROOT },
            ),
        });
        for (const r of [reviews, creates]) if (r.errors > 0) throw new Error(`${p.label}: ${r.errors} failed: ${String(r.firstError)}`);
        p.review.merge(reviews.latency);
        p.create.merge(creates.latency);
        p.reviewRates.push(round1(reviews.throughput));
        p.createRates.push(round1(creates.throughput));
        progress(`round ${round + 1} ${p.label}: ${round1(reviews.throughput)} reviews/s, ${round1(creates.throughput)} creates/s`);
      }
    }

    const summary = (p: Platform) => ({
      admission_review: { per_s_by_round: p.reviewRates, ...p.review.summary() },
      volume_create: { per_s_by_round: p.createRates, ...p.create.summary() },
    });
    const [base, clustered] = platforms;
    if (!base || !clustered) throw new Error('two platforms expected');
    const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    return {
      benchmark: 'nats-cluster',
      baseline: 'single nats-server, streams with 1 replica (same run, alternating rounds)',
      single: summary(base),
      cluster: summary(clustered),
      cluster_vs_single: {
        review_throughput: ratio(mean(clustered.reviewRates), mean(base.reviewRates)),
        review_p50: ratio(clustered.review.percentile(50), base.review.percentile(50)),
        review_p99: ratio(clustered.review.percentile(99), base.review.percentile(99)),
        create_throughput: ratio(mean(clustered.createRates), mean(base.createRates)),
        create_p50: ratio(clustered.create.percentile(50), base.create.percentile(50)),
        create_p99: ratio(clustered.create.percentile(99), base.create.percentile(99)),
      },
      setup: {
        servers:
          'one test bed (FerretDB, kube-apiserver); a single nats-server (startIsolatedNats) and a three-node cluster (startNatsCluster: routes on loopback, one store per node), both open; streams made by ensureStreams with 1 and 3 replicas',
        services: `${SERVICES.join(', ')} as real processes per platform (startServiceProcess, DV_SERVICE_MODE), the cluster's given its three URLs`,
        load: `per round and platform: ${REVIEWS} admitted reviews of a Pod in p2 mounting a shared volume (${REVIEW_CONCURRENCY} in flight; each stores a decision event), then ${CREATES} volume creates from Bound PVCs (${CREATE_CONCURRENCY} in flight); ${ROUNDS} rounds, single and cluster alternating`,
      },
      machine: machine(),
      versions: natsVersions(base.nc),
    };
  } finally {
    for (const p of platforms) {
      for (const s of [...p.services].reverse()) await s.stop().catch(() => undefined);
      await drainNats(p.nc).catch(() => undefined);
    }
    await bed.stop();
    await cluster.stop();
    await single.stop();
  }
});
