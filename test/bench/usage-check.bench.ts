// The usage check (dv.admission.usage, what the volume service asks before a delete) after 10,000 admitted
// reviews, answered by workload-admission as a real process on the test bed's FerretDB (SQLite). The
// admitted events are published to DV_EVENTS as the review path stores them, and the service's own
// consumer records them (a usage record per workload, an entry in its volumes' users). Measured: the
// check of an unused volume, of a volume with 3 workloads and of one with 150 (100 listed); compared in
// the same run with raw MongoDB-driver queries on the same collection: the `_id` point lookup (the
// floor) and the query the check used before (`{volumeIds: V}` sorted by _id, limit 100: a scan on
// FerretDB). Goal: the check's p99 under 10 ms. Prints JSON on stdout.
// Run: node -r ./scripts/ts-register.js test/bench/usage-check.bench.ts   (BENCH_SCALE=0.1 for a smoke run)
import { AdmissionEvents, type IdentityInput, VolumeUsageRpc } from '@dv/contracts';
import { EventPublisher, RpcClient, connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { type ServiceProcess, startServiceProcess, startTestBed } from '@dv/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { LatencyHistogram } from './harness/histogram';
import { scaled } from './harness/load';
import { benchMain, machine, natsVersions, progress } from './harness/report';

const GOAL_P99_US = 10_000;
const REVIEWS = scaled(10_000);
const CHECKS = Math.max(50, scaled(1_000));
const VOLUMES = 50;
const VOLUME_SERVICE: IdentityInput = { subjectId: 'volume', subjectType: 'service-account' };
const ACTOR = { id: 'workload-admission', type: 'service-account' } as const;
const DB = `bench_usage_${randomUUID().slice(0, 8)}`;

/** Times `n` sequential calls (after a few unmeasured ones). */
async function timeCalls(n: number, call: () => Promise<unknown>): Promise<ReturnType<LatencyHistogram['summary']>> {
  for (let i = 0; i < 10; i++) await call();
  const latency = new LatencyHistogram();
  for (let i = 0; i < n; i++) {
    const started = process.hrtime.bigint();
    await call();
    latency.recordNs(process.hrtime.bigint() - started);
  }
  return latency.summary();
}

benchMain(async () => {
  const bed = await startTestBed({
    env: { PATH: process.env['PATH'] ?? '' },
    nats: {
      open: 'the usage check is measured, not permission checks; the benchmark publishes admitted events as the admission service would: no users (as the other benchmarks)',
    },
  });
  let admission: ServiceProcess | undefined;
  let nc: NatsConnection | undefined;
  const db = await mongoose.createConnection(bed.mongoUrl, { dbName: DB }).asPromise();
  try {
    nc = await connectNats({ url: bed.natsUrl, name: 'bench-usage' });
    await ensureStreams(nc);
    admission = await startServiceProcess({
      service: 'workload-admission',
      env: { NATS_URL: bed.natsUrl, MONGO_URL: bed.mongoUrl, MONGO_DB: DB, KUBECONFIG: bed.kubeconfigPath },
      timeoutMs: 60_000,
    });
    const client = new RpcClient(nc, { timeoutMs: 30_000 });
    const publisher = new EventPublisher(nc, 'dv/workload-admission');

    const volumes = Array.from({ length: VOLUMES }, () => randomUUID());
    const [unused, few, many] = [randomUUID(), randomUUID(), randomUUID()];
    const admitted = (volumeId: string, i: number) => ({
      reviewId: randomUUID(),
      workload: { apiVersion: 'v1', kind: 'Pod', name: `w-${i}`, namespace: `ns-${i % 20}`, projectId: 'p1' },
      subject: { subjectId: 'alice', subjectType: 'user' as const },
      dataVolumes: [{ id: volumeId, mountPath: '/data' }],
      via: 'rpc' as const,
      bindings: [],
    });
    // 10,000 reviews: 3 use `few`, 150 `many`, the rest one of 50 other volumes; `unused` none.
    const started = Date.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < REVIEWS; i++) {
      const volumeId = i < 3 ? few : i < 153 ? many : (volumes[i % VOLUMES] ?? many);
      pending.push(publisher.publish(AdmissionEvents.admitted, admitted(volumeId, i), { actor: ACTOR }));
      if (pending.length >= 200) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const jsm = await jetstreamManager(nc);
    for (;;) {
      const info = await jsm.consumers.info('DV_EVENTS', 'workload-admission');
      if (info.num_pending === 0 && info.num_ack_pending === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const recordedMs = Date.now() - started;
    const usages = db.collection<{ _id: string }>('usages');
    const records = await usages.countDocuments({});
    progress(`${REVIEWS} admitted events recorded (${records} usage records) in ${recordedMs} ms`);

    const check = (volumeId: string) => client.call(VolumeUsageRpc.usage, { volumeId }, { identity: VOLUME_SERVICE });
    const [unusedReply, fewReply, manyReply] = [await check(unused), await check(few), await check(many)];
    if (unusedReply.inUse || !fewReply.inUse || fewReply.workloads.length !== 3 || manyReply.workloads.length !== 100) {
      throw new Error(`wrong answers: unused ${JSON.stringify(unusedReply.inUse)}, few ${fewReply.workloads.length}, many ${manyReply.workloads.length}`);
    }
    const ours = {
      unused: await timeCalls(CHECKS, () => check(unused)),
      three_workloads: await timeCalls(CHECKS, () => check(few)),
      listing_100_of_150: await timeCalls(Math.max(20, Math.floor(CHECKS / 5)), () => check(many)),
    };
    progress(`check p99: unused ${ours.unused.p99_us} µs, 3 workloads ${ours.three_workloads.p99_us} µs, 100 of 150 ${ours.listing_100_of_150.p99_us} µs`);
    const someId = (await usages.findOne({}))?._id ?? '';
    const someIds = (await usages.find({}).limit(25).toArray()).map((d) => d._id);
    const raw = {
      id_point_lookup: await timeCalls(CHECKS, () => usages.findOne({ _id: someId })),
      id_in_25: await timeCalls(Math.max(10, Math.floor(CHECKS / 20)), () => usages.find({ _id: { $in: someIds } }).toArray()),
      old_volume_query: await timeCalls(Math.max(10, Math.floor(CHECKS / 20)), () =>
        usages
          .find({ volumeIds: few } as never)
          .sort({ _id: 1 })
          .limit(100)
          .toArray(),
      ),
    };
    progress(`raw: _id lookup p99 ${raw.id_point_lookup.p99_us} µs, the old query p50 ${raw.old_volume_query.p50_us} µs`);
    const p99 = Math.max(ours.unused.p99_us, ours.three_workloads.p99_us);
    return {
      benchmark: 'usage-check',
      pass: p99 < GOAL_P99_US,
      goal: `dv.admission.usage p99 under ${GOAL_P99_US / 1000} ms after ${REVIEWS} reviews (unused volume and a volume with 3 workloads; the 100-of-150 listing reported beside)`,
      check_us: ours,
      raw_mongodb_us: raw,
      setup: {
        servers: 'fresh test bed (startTestBed): nats-server, FerretDB 1.24 on SQLite, kube-apiserver; workload-admission as a real process',
        reviews: `${REVIEWS} dv.evt.workload.admitted.v1 events (rpc, a Pod each, one volume each: 3 use one volume, 150 another, the rest spread over ${VOLUMES}), recorded by the service's own usage consumer in ${recordedMs} ms (${records} usage records)`,
        check: `dv.admission.usage as the volume service account over NATS, sequential, ${CHECKS} calls each (the 100-of-150 listing fewer), after 10 unmeasured`,
        raw: 'MongoDB driver on the same database: findOne({_id}) of a usage record; and the query the check made before this change, find({volumeIds}).sort({_id:1}).limit(100)',
      },
      machine: machine(),
      versions: natsVersions(nc),
    };
  } finally {
    await admission?.stop().catch(() => undefined);
    await db.dropDatabase().catch(() => undefined);
    await db.close().catch(() => undefined);
    if (nc) await drainNats(nc).catch(() => undefined);
    await bed.stop();
  }
});
