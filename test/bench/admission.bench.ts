// Workload admission: dv.workload-admission.review of a Pod with two shared data volumes whose bindings
// exist, at a fixed offered load (open loop), against a raw nats.js echo round trip in the same run, on
// the same nats-server, at the same rate. Then the webhook path through the kube-apiserver: Pods created
// with the data-volumes annotation (the API server calls our webhook) vs the same Pod without it in a
// namespace the webhook does not watch. authz, sharing, volume and workload-admission run as real
// processes on a fresh test bed (nats-server, FerretDB, kube-apiserver). Prints JSON on stdout.
// Run: node -r ./scripts/ts-register.js test/bench/admission.bench.ts   (BENCH_SCALE=0.2 for a smoke run)
import { AdmissionEvents, AdmissionRpc, AuthzRpc, DvError, type IdentityInput, type Revision, STREAMS, defineEvent } from '@dv/contracts';
import { EventPublisher, RpcClient, connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { KUBE_ADMIN_USER, type ServiceProcess, startServiceProcess, startTestBed } from '@dv/testing';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchChild, startBenchChild } from './harness/child';
import { benchConnect } from './harness/connection';
import { LatencyHistogram, median, round1 } from './harness/histogram';
import { type ClosedLoopResult, type OpenLoopResult, runClosedLoop, runOpenLoop, scaled } from './harness/load';
import { rawEchoSubject, runPrefix } from './harness/payload';
import { ownUsage } from './harness/proc';
import { benchMain, machine, natsVersions, progress } from './harness/report';
import { ROOT, readyVolume, setUpOrg, shareWithP2, webhookEnv } from './admission/platform';
import { until } from './harness/until';
import { kubePod, mountProblems, podObject } from './admission/pods';
import { bedServerPids, cpuOf, residentMiB } from './admission/processes';
import { type UsageRecords, usageRecords } from './admission/usages';

const REQUIRED_P50_RATIO = 4;
const RATE = Number(process.env['BENCH_RATE'] ?? 200);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const OPEN = { requests: scaled(2_000), warmup: scaled(1_000) };
const CLOSED = { concurrency: 16, requests: scaled(2_000), warmup: scaled(200) };
const SEQUENTIAL = { requests: scaled(500), warmup: Math.max(10, scaled(50)) };
const WEBHOOK = { pods: scaled(200), warmup: Math.max(5, scaled(20)), concurrency: 4 };

/** The platform's workload service: reviews on behalf of the submitting subject. */
const PLATFORM: IdentityInput = { subjectId: 'workloads', subjectType: 'service-account' };
const ADMISSION_SERVICE: IdentityInput = { subjectId: 'workload-admission', subjectType: 'service-account' };
const ALICE = { subjectId: 'alice', subjectType: 'user' as const };
const L1_RESEARCHER = 5;
const USAGE_CONSUMER = 'workload-admission';
const ADMISSION_DB = 'bench_admission';

type Side = 'raw' | 'review' | 'review-uncached';

interface Summary {
  requests: number;
  throughput: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
  mean_us: number;
  throughput_by_round: number[];
  p50_us_by_round: number[];
  errors: number;
}

function summarize(results: readonly ClosedLoopResult[]): Summary {
  const latency = new LatencyHistogram();
  for (const r of results) latency.merge(r.latency);
  return {
    requests: results.reduce((n, r) => n + r.operations, 0),
    throughput: round1(median(results.map((r) => r.throughput))),
    ...latency.summary(),
    throughput_by_round: results.map((r) => round1(r.throughput)),
    p50_us_by_round: results.map((r) => round1(r.latency.percentile(50))),
    errors: results.reduce((n, r) => n + r.errors, 0),
  };
}

function describeError(error: unknown): string {
  if (error instanceof DvError) return `${error.code} ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

function check(what: string, result: ClosedLoopResult): void {
  if (result.errors > 0) throw new Error(`${what}: ${result.errors} of ${result.operations} failed; first: ${describeError(result.firstError)}`);
}

/** CPU µs per operation from two samples of cpuOf (+ this process as `client`). */
function perOp(before: Record<string, number>, after: Record<string, number>, operations: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(after)) out[key] = ((after[key] ?? 0) - (before[key] ?? 0)) / operations;
  return out;
}

function medianPerKey(samples: readonly Record<string, number>[]): Record<string, number> {
  const keys = Object.keys(samples[0] ?? {});
  return Object.fromEntries(keys.map((k) => [k, Math.round(median(samples.map((s) => s[k] ?? 0)))]));
}

async function run(): Promise<object> {
  const started = Date.now();
  const bed = await startTestBed({
    env: { PATH: process.env['PATH'] ?? '' },
    nats: { open: "the benchmark keeps its baseline's setup: no users (permission checks are measured by none of its figures)" },
  });
  const services: ServiceProcess[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'dv-admission-bench-'));
  let nc: NatsConnection | undefined;
  let rawClient: NatsConnection | undefined;
  let raw: BenchChild | undefined;
  let usages: UsageRecords | undefined;
  try {
    nc = await connectNats({ url: bed.natsUrl, name: 'bench-admission' });
    await ensureStreams(nc);
    const publisher = new EventPublisher(nc, 'dv/bench-platform');
    const client = new RpcClient(nc, { timeoutMs: 30_000 });
    const kc = new KubeConfig();
    kc.loadFromFile(bed.kubeconfigPath);
    const core = kc.makeApiClient(CoreV1Api);

    // The org, the namespaces, the services.
    const run = randomUUID().slice(0, 8);
    const org = await setUpOrg(publisher, core, run);
    const webhookName = `dv-admission-bench-${run}`;
    const common = { NATS_URL: bed.natsUrl, MONGO_URL: bed.mongoUrl };
    const start = async (service: string, env: Record<string, string>): Promise<ServiceProcess> => {
      const since = Date.now();
      const proc = await startServiceProcess({ service, env: { ...common, ...env }, timeoutMs: 60_000 });
      services.push(proc);
      progress(`${service} ready (pid ${proc.child.pid ?? '?'}, ${Date.now() - since} ms)`);
      return proc;
    };
    const authzProc = await start('authz', { MONGO_DB: 'bench_authz', AUTHZ_BOOTSTRAP_ADMINS: 'user:root' });
    const sharingProc = await start('sharing', { MONGO_DB: 'bench_sharing' });
    const volumeProc = await start('volume', { MONGO_DB: 'bench_volume', KUBECONFIG: bed.kubeconfigPath, VOLUME_RECONCILE_INTERVAL_MS: '300' });
    // BENCH_ADMISSION_NODE_OPTIONS: Node flags of the workload-admission process. Node refuses --cpu-prof in
    // NODE_OPTIONS: to profile, "-r <script>" with a script that starts node:inspector's Profiler and writes
    // the profile on SIGTERM (the benchmark stops the services with SIGTERM).
    const admissionNodeOptions = process.env['BENCH_ADMISSION_NODE_OPTIONS'] ?? '';
    const admissionProc = await start('workload-admission', {
      MONGO_DB: ADMISSION_DB,
      KUBECONFIG: bed.kubeconfigPath,
      ...(await webhookEnv(dir, webhookName, org, bed.env['KUBE_WEBHOOK_CLIENT_CA_FILE'] ?? '')),
      ...(admissionNodeOptions ? { NODE_OPTIONS: admissionNodeOptions } : {}),
    });
    const admissionPid = admissionProc.child.pid ?? 0;
    const rssAtReady = residentMiB(admissionPid);

    // alice (and the bed's Kubernetes admin, who creates the webhook's Pods) are L1 researchers in p2.
    let events = 0;
    for (const subjectId of [ALICE.subjectId, KUBE_ADMIN_USER]) {
      const { revision } = await until(`grant for ${subjectId}`, () =>
        client.call(
          AuthzRpc.createAccessRule,
          { subjectType: 'user', subjectId, roleId: L1_RESEARCHER, scopeType: 'project', scopeId: 'p2' },
          { identity: ROOT, timeoutMs: 30_000 },
        ),
      );
      events = Math.max(events, revision.events ?? 0);
    }

    // Two volumes of p1, made by dv.volume.create from Bound PVCs, Ready, shared with p2.
    const setupStart = Date.now();
    const volumes = [await readyVolume(client, core, org, 'imagenet', run), await readyVolume(client, core, org, 'coco', run)];
    for (const v of volumes) events = Math.max(events, (await shareWithP2(client, v.id)).events ?? 0);
    const revision: Revision = { events, platform: org.platform };
    const volumesMs = Date.now() - setupStart;
    progress(`2 volumes Ready and shared with p2 in ${volumesMs} ms`);
    const mounts = [
      { id: volumes[0]?.id ?? '', mountPath: '/data/imagenet' },
      { id: volumes[1]?.id ?? '', mountPath: '/data/coco' },
    ];

    // First review: makes the two bindings (PV copy + PVC in p2's namespace).
    const warmStart = Date.now();
    const first = await client.call(
      AdmissionRpc.review,
      { workload: podObject('first'), projectId: 'p2', subject: ALICE, dataVolumes: mounts, dryRun: false, atLeast: revision },
      { identity: PLATFORM },
    );
    if (!first.allowed || first.bindings.length !== 2) throw new Error(`the first review was not admitted with 2 bindings: ${JSON.stringify(first)}`);
    const bindings = first.bindings;
    progress(`first review admitted with 2 bindings (${bindings.map((b) => b.pvcName).join(', ')}) in ${Date.now() - warmStart} ms`);

    // The measured review: a Pod named differently each time, for alice, with both volumes; bindings exist.
    let podSeq = 0;
    const reviewRequest = (i: number) => ({ workload: podObject(`bench-${i}`), projectId: 'p2', subject: ALICE, dataVolumes: mounts, dryRun: false });
    const sampleRequest = JSON.stringify(reviewRequest(0));
    const sampleReply = await client.call(AdmissionRpc.review, reviewRequest(podSeq++), { identity: PLATFORM });
    if (!sampleReply.allowed || sampleReply.bindings.length !== 2) throw new Error(`the sample review was not admitted: ${JSON.stringify(sampleReply)}`);
    const review = async (): Promise<void> => {
      const reply = await client.call(AdmissionRpc.review, reviewRequest(podSeq++), { identity: PLATFORM });
      if (!reply.allowed) throw new Error(`denied: ${reply.reasons.map((r) => r.code).join(', ')}`);
    };
    // The same review, but alice comes with a group seen never before each time: the admission service
    // cannot use an earlier authz answer (its cache is keyed by subject, groups, project and kind) and
    // asks authz on every review: the cost of a first review, or of every review with the cache off.
    const reviewUncached = async (): Promise<void> => {
      const i = podSeq++;
      const reply = await client.call(AdmissionRpc.review, { ...reviewRequest(i), subject: { ...ALICE, groups: [`bench-once-${i}`] } }, { identity: PLATFORM });
      if (!reply.allowed) throw new Error(`denied: ${reply.reasons.map((r) => r.code).join(', ')}`);
    };

    // The raw baseline: a nats.js echo in its own process, a raw nats.js client, a payload of the same size.
    const prefix = runPrefix();
    raw = await startBenchChild('rpc-responder.ts', { impl: 'raw', natsUrl: bed.natsUrl, prefix });
    rawClient = await benchConnect(bed.natsUrl, 'bench-raw-client', 'raw');
    const rawConn = rawClient;
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    const rawSubject = rawEchoSubject(prefix);
    let rawSeq = 0;
    const rawOp = async (): Promise<unknown> =>
      JSON.parse(
        decoder.decode((await rawConn.request(rawSubject, encoder.encode(JSON.stringify(reviewRequest(rawSeq++))), { timeout: 30_000 })).data),
      ) as unknown;
    const ops: Record<Side, () => Promise<unknown>> = { raw: rawOp, review, 'review-uncached': reviewUncached };

    // Where the processes' CPU goes; the usage consumer (admitted event → FerretDB upsert) catching up.
    const bedPids = bedServerPids();
    const pids: Record<string, number | undefined> = {
      'workload-admission': admissionPid,
      authz: authzProc.child.pid,
      sharing: sharingProc.child.pid,
      volume: volumeProc.child.pid,
      ...bedPids,
    };
    const rawChild = raw;
    const cpuNow = async (): Promise<Record<string, number>> => ({ client: ownUsage().cpuUs, 'raw-responder': (await rawChild.usage()).cpuUs, ...cpuOf(pids) });
    const jsm = await jetstreamManager(nc);
    const usageCaughtUp = async (): Promise<number> => {
      const since = Date.now();
      await until(
        'the usage consumer to catch up',
        async () => {
          const info = await jsm.consumers.info(STREAMS.domain.name, USAGE_CONSUMER);
          return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
        },
        600_000,
      );
      return Date.now() - since;
    };
    usages = await usageRecords(bed.mongoUrl, ADMISSION_DB);
    const usageStore = usages;
    /** Before a measured round of admitted workloads: the consumer idle and the usages collection empty (see admission/usages.ts). */
    let usageRecordsCleared = 0;
    const freshUsages = async (): Promise<void> => {
      await usageCaughtUp();
      usageRecordsCleared += await usageStore.clear();
    };

    // Open loop at the offered rate: warm-up, then rounds alternating the order.
    for (const side of ['raw', 'review', 'review-uncached'] as const) {
      progress(`warm-up ${side}: ${OPEN.warmup} requests at ${RATE}/s`);
      const w = await runOpenLoop({ ratePerSecond: RATE, operations: OPEN.warmup, op: ops[side] });
      check(`${side} warm-up`, w);
    }
    await freshUsages();
    const rssBefore = residentMiB(admissionPid);
    const open = new Map<Side, { result: OpenLoopResult; cpu: Record<string, number>; usageLagMs: number }[]>([
      ['raw', []],
      ['review', []],
      ['review-uncached', []],
    ]);
    for (let round = 0; round < ROUNDS; round++) {
      const order: Side[] = round % 2 === 0 ? ['raw', 'review', 'review-uncached'] : ['review-uncached', 'review', 'raw'];
      for (const side of order) {
        if (side !== 'raw') await freshUsages();
        const before = await cpuNow();
        const result = await runOpenLoop({ ratePerSecond: RATE, operations: OPEN.requests, op: ops[side] });
        const usageLagMs = side !== 'raw' ? await usageCaughtUp() : 0;
        const after = await cpuNow();
        check(side, result);
        open.get(side)?.push({ result, cpu: perOp(before, after, result.operations), usageLagMs });
        progress(
          `open ${side} round ${round + 1}/${ROUNDS}: ${round1(result.throughput)} req/s, p50 ${round1(result.latency.percentile(50))} us, p99 ${round1(result.latency.percentile(99))} us, max in flight ${result.maxInFlight}${side !== 'raw' ? `, usage consumer caught up ${usageLagMs} ms after` : ''}`,
        );
      }
    }
    const rssAfterReviews = residentMiB(admissionPid);
    const openResults = (['raw', 'review', 'review-uncached'] as const).map((side) => {
      const list = open.get(side) ?? [];
      return {
        op: side,
        offered_rate: RATE,
        ...summarize(list.map((r) => r.result)),
        max_in_flight: Math.max(...list.map((r) => r.result.maxInFlight)),
        client_start_lag_us: {
          p99: round1(Math.max(...list.map((r) => r.result.p99StartLagUs))),
          max: round1(Math.max(...list.map((r) => r.result.maxStartLagUs))),
        },
        cpu_us_per_request: medianPerKey(list.map((r) => r.cpu)),
        ...(side !== 'raw' ? { usage_consumer_caught_up_ms_after_round: list.map((r) => r.usageLagMs) } : {}),
      };
    });
    const p50 = (side: Side): number => openResults.find((r) => r.op === side)?.p50_us ?? Number.NaN;
    const ratio = Math.round((p50('review') / p50('raw')) * 100) / 100;
    const uncachedRatio = Math.round((p50('review-uncached') / p50('raw')) * 100) / 100;

    // Closed loop (extra): how many reviews per second the platform answers with 16 in flight.
    const closed: Record<string, Summary & { concurrency: number; cpu_us_per_request: Record<string, number> }> = {};
    for (const side of ['raw', 'review'] as const) {
      check(`${side} closed warm-up`, await runClosedLoop({ concurrency: CLOSED.concurrency, operations: CLOSED.warmup, op: ops[side] }));
      if (side === 'review') await freshUsages();
      const before = await cpuNow();
      const result = await runClosedLoop({ concurrency: CLOSED.concurrency, operations: CLOSED.requests, op: ops[side] });
      if (side === 'review') await usageCaughtUp();
      const after = await cpuNow();
      check(`${side} closed`, result);
      closed[side] = { concurrency: CLOSED.concurrency, ...summarize([result]), cpu_us_per_request: medianPerKey([perOp(before, after, result.operations)]) };
      progress(`closed ${side} (${CLOSED.concurrency} in flight): ${round1(result.throughput)} req/s, p50 ${round1(result.latency.percentile(50))} us`);
    }

    // One at a time (extra): the review next to the calls it is made of, to see where its time goes.
    const checks = [
      {
        subject: { ...ALICE, groups: [] },
        action: 'create' as const,
        resourceType: 'workloads' as const,
        scope: { scopeType: 'project' as const, scopeId: 'p2' },
      },
      {
        subject: { ...ALICE, groups: [] },
        action: 'read' as const,
        resourceType: 'datavolumes' as const,
        scope: { scopeType: 'project' as const, scopeId: 'p2' },
      },
    ];
    const benchAdmitted = defineEvent({
      type: `dv.evt.bench${prefix}.admitted.v1`,
      data: AdmissionEvents.admitted.data,
      description: 'benchmark: an admitted event on a subject no service consumes',
    });
    const admittedData = {
      reviewId: randomUUID(),
      workload: { apiVersion: 'v1', kind: 'Pod', name: 'bench-0', namespace: org.namespaces.p2, projectId: 'p2' },
      subject: { ...ALICE, groups: [] },
      dataVolumes: mounts,
      via: 'rpc' as const,
      bindings,
    };
    const parts: Record<string, () => Promise<unknown>> = {
      raw: rawOp,
      'authz check-batch (the 2 checks of a review)': () => client.call(AuthzRpc.checkBatch, { checks }, { identity: ADMISSION_SERVICE }),
      'JetStream publish of an admitted event (EventPublisher, awaits the ack)': () =>
        publisher.publish(benchAdmitted, { ...admittedData, reviewId: randomUUID() }, { actor: { id: 'bench', type: 'system' }, subject: 'bench' }),
      review,
    };
    const sequential: Record<string, { p50_us: number; p99_us: number; mean_us: number }> = {};
    await freshUsages();
    for (const [name, op] of Object.entries(parts)) {
      check(`${name} warm-up`, await runClosedLoop({ concurrency: 1, operations: SEQUENTIAL.warmup, op }));
      const result = await runClosedLoop({ concurrency: 1, operations: SEQUENTIAL.requests, op });
      check(name, result);
      const s = result.latency.summary();
      sequential[name] = { p50_us: s.p50_us, p99_us: s.p99_us, mean_us: s.mean_us };
    }
    await usageCaughtUp();
    progress(
      `one at a time: ${Object.entries(sequential)
        .map(([k, v]) => `${k.split(' (')[0]} ${v.p50_us} us`)
        .join('; ')}`,
    );

    // The webhook path: Pods through the kube-apiserver as the bed's admin, with the annotation in p2's
    // namespace (the webhook is called) vs without it in an unlabelled namespace (it is not).
    await until(
      'the kube-apiserver to call our webhook',
      async () => {
        const name = `probe-${Date.now()}`;
        const refused = await core
          .createNamespacedPod({ namespace: org.namespaces.p2, body: kubePod(name, org.namespaces.p2, 'not json') })
          .then(() => false)
          .catch((e: unknown) => String((e as { body?: unknown }).body ?? e).includes('INVALID_ANNOTATION'));
        return refused ? true : undefined;
      },
      60_000,
    );
    const podNo = { webhook: 0, plain: 0 };
    const webhookOps: Record<'webhook' | 'plain', () => Promise<unknown>> = {
      webhook: () => core.createNamespacedPod({ namespace: org.namespaces.p2, body: kubePod(`wh-${podNo.webhook++}`, org.namespaces.p2, mounts) }),
      plain: () => core.createNamespacedPod({ namespace: org.namespaces.plain, body: kubePod(`plain-${podNo.plain++}`, org.namespaces.plain, undefined) }),
    };
    for (const side of ['plain', 'webhook'] as const)
      check(`${side} pod warm-up`, await runClosedLoop({ concurrency: WEBHOOK.concurrency, operations: WEBHOOK.warmup, op: webhookOps[side] }));
    // A Pod of the first measured round, read back after the run.
    const sampleName = `wh-${podNo.webhook}`;
    const pods = new Map<'webhook' | 'plain', { result: ClosedLoopResult; cpu: Record<string, number> }[]>([
      ['webhook', []],
      ['plain', []],
    ]);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['plain', 'webhook'] as const) : (['webhook', 'plain'] as const);
      for (const side of order) {
        if (side === 'webhook') await freshUsages();
        const before = await cpuNow();
        const result = await runClosedLoop({ concurrency: WEBHOOK.concurrency, operations: WEBHOOK.pods, op: webhookOps[side] });
        if (side === 'webhook') await usageCaughtUp();
        const after = await cpuNow();
        check(`pod create ${side}`, result);
        pods.get(side)?.push({ result, cpu: perOp(before, after, result.operations) });
        progress(
          `pods ${side} round ${round + 1}/${ROUNDS}: ${round1(result.throughput)} creates/s, p50 ${round1(result.latency.percentile(50))} us, p99 ${round1(result.latency.percentile(99))} us`,
        );
      }
    }
    const sample = await core.readNamespacedPod({ name: sampleName, namespace: org.namespaces.p2 });
    const problems = mountProblems(sample, mounts, bindings);
    const plainSample = await core.readNamespacedPod({ name: 'plain-0', namespace: org.namespaces.plain });
    const plainUntouched = (plainSample.spec?.volumes ?? []).length === 1;
    const rssAfterWebhook = residentMiB(admissionPid);
    const podResults = (['plain', 'webhook'] as const).map((side) => {
      const list = pods.get(side) ?? [];
      return { op: side, concurrency: WEBHOOK.concurrency, ...summarize(list.map((r) => r.result)), cpu_us_per_create: medianPerKey(list.map((r) => r.cpu)) };
    });
    const podP = (side: 'plain' | 'webhook', key: 'p50_us' | 'p99_us'): number => podResults.find((r) => r.op === side)?.[key] ?? Number.NaN;
    const mountVerified = problems.length === 0 && plainUntouched;

    const reviewCpu = openResults.find((r) => r.op === 'review')?.cpu_us_per_request ?? {};
    return {
      benchmark: 'admission',
      node: process.version,
      nats: natsVersions(nc),
      machine: machine(),
      setup: {
        servers:
          'fresh test bed (@dv/testing startTestBed): nats-server with JetStream, FerretDB, etcd + kube-apiserver; authz, sharing, volume and workload-admission as real processes (startServiceProcess), default log levels',
        org: 'tenant t1, cluster c1, department d1, projects p1 and p2 (platform events); their namespaces in the kube-apiserver labelled with the project id and the run label the webhook selects',
        volumes: `2 data volumes of p1 (imagenet, coco) made through dv.volume.create from Bound origin PVCs (PV with an NFS source, status patched Bound), Ready through the volume reconciler, shared with p2 through dv.sharing.update as root; took ${volumesMs} ms`,
        bindings: `made by the first (non-dry-run) review: ${bindings.map((b) => `${b.pvcName} → ${b.pvName ?? '(origin PVC)'}`).join(', ')} in ${org.namespaces.p2}; every measured review finds them in memory (no Kubernetes call)`,
        review: `dv.workload-admission.review as the platform service account (workloads) for user alice (L1 researcher, role ${L1_RESEARCHER}, in p2): a Pod (1 container + 1 init container, a scratch emptyDir) named differently each time, dataVolumes = both volumes, dryRun false. In the service: authz check-batch (2 checks; after the first review of alice in p2 the service's permission cache answers, until an access-rule or org event arrives), sharing, readiness and bindings from memory, patch, JetStream publish of dv.evt.workload.admitted.v1 awaited before the answer (fail closed); the admission service's own usage consumer then inserts a usage document in FerretDB per admitted event (keyed by the workload; asynchronously: waited for before each CPU sample). Request ${sampleRequest.length} bytes; reply ${JSON.stringify(sampleReply).length} bytes`,
        usage_records: `BETWEEN ROUNDS THE BENCHMARK EMPTIES THE ADMISSION SERVICE'S usages COLLECTION (outside the measured window, after its consumer has caught up), so every round starts from the same state (each benchmark Pod is a new workload: one insert each; FerretDB's costs still grow with the collection). Within a round the collection grows to the round's size`,
        review_uncached:
          'the same review with a group never seen before added to alice each time: a permission-cache miss, so authz check-batch is asked on every review',
        raw: `nats.js echo: child process with nc.subscribe (queue) + m.respond(m.data); client with nats.js connect() defaults, JSON.stringify + nc.request + JSON.parse of a review request (${sampleRequest.length} bytes)`,
        method: `open loop at ${RATE} requests/s offered (BENCH_RATE): requests start on a fixed schedule without waiting for replies; latency counts from each request's scheduled start (no coordinated omission). ${OPEN.warmup} warm-up requests per side, then ${ROUNDS} rounds of ${OPEN.requests} per side alternating the order; throughput = median of rounds (completed / time from the first scheduled start to the last reply), latency percentiles over all rounds. cpu_us_per_request: CPU time per request of this client, the raw responder, each service and each test bed server (ticks of 10 ms over a round)`,
        webhook: `Pods created through the kube-apiserver with @kubernetes/client-node as the bed's admin (${KUBE_ADMIN_USER}, granted L1 researcher in p2 in authz): with the dv.platform/data-volumes annotation listing both volumes in ${org.namespaces.p2} (the MutatingWebhookConfiguration ${webhookName} selects it: the API server posts an AdmissionReview to the webhook, which reviews and patches) vs the same Pod without the annotation in ${org.namespaces.plain} (not selected: no webhook call). Closed loop, ${WEBHOOK.concurrency} in flight, ${WEBHOOK.warmup} warm-up creates per side, ${ROUNDS} rounds of ${WEBHOOK.pods} alternating the order. No scheduler or kubelet: Pods are only stored`,
        total_seconds: Math.round((Date.now() - started) / 1000),
      },
      results: {
        open_loop: openResults,
        review_p50_over_raw_p50: ratio,
        review_uncached_p50_over_raw_p50: uncachedRatio,
        required_review_p50_over_raw_p50: REQUIRED_P50_RATIO,
        closed_loop: closed,
        one_at_a_time: { requests: SEQUENTIAL.requests, operations: sequential },
        webhook: {
          pods: podResults,
          added_p50_us: round1(podP('webhook', 'p50_us') - podP('plain', 'p50_us')),
          added_p99_us: round1(podP('webhook', 'p99_us') - podP('plain', 'p99_us')),
          sample_pod: {
            name: sampleName,
            read_only_mounts_verified: problems.length === 0,
            problems,
            plain_pod_untouched: plainUntouched,
            volumes: (sample.spec?.volumes ?? []).map((v) => v.name),
          },
        },
        admission_process: {
          cpu_us_per_review: reviewCpu['workload-admission'] ?? Number.NaN,
          rss_mib: {
            at_ready: rssAtReady.rss_mib,
            before_measured_reviews: rssBefore.rss_mib,
            after_reviews: rssAfterReviews.rss_mib,
            after_webhook: rssAfterWebhook.rss_mib,
            peak: rssAfterWebhook.peak_rss_mib,
          },
          reviews_admitted: podSeq,
          usage_records_deleted_between_rounds: usageRecordsCleared,
        },
      },
      pass: ratio <= REQUIRED_P50_RATIO && mountVerified,
    };
  } finally {
    await usages?.close().catch(() => undefined);
    if (rawClient) await drainNats(rawClient).catch(() => undefined);
    if (nc) await drainNats(nc).catch(() => undefined);
    await raw?.stop();
    for (const s of services.reverse()) await s.stop().catch(() => undefined);
    await bed.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

benchMain(run);
