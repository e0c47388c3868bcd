import { AdmissionRpc, AuditRpc, AuthzRpc, type DvError, OrgEvents, type Revision, STREAMS, SharingRpc, VolumeRpc } from '@dv/contracts';
import {
  HARNESS_ROOT,
  type HarnessService,
  buildProjects,
  type ProjectionMetrics,
  type ServiceProcess,
  httpRequest,
  projectionMetrics,
  waitFor,
} from '@dv/testing';
import { RpcClient } from '@dv/messaging';
import { jetstreamManager } from '@nats-io/jetstream';
import { performance } from 'node:perf_hooks';
/* eslint-disable @nx/enforce-module-boundaries -- the gateway's own test harness: its provider, tokens and platform */
import { GatewayHarness } from '../../services/gateway/test/gateway-harness';
/* eslint-enable @nx/enforce-module-boundaries */

/**
 * Issue 16 part 4 (decision 0031): two replicas of every service (authz, sharing, volume, workload
 * admission, audit, gateway) under a steady load of volume creates, shares, admission reviews and
 * checks over NATS (as the operator and the webhook call), and volume creates and reads over the
 * gateway's HTTP with a real token, spread by a tiny round-robin balancer over the gateways that
 * report ready. Every replica is stopped with SIGTERM one at a time (it must exit 0), started again
 * and waited for until ready, every service in turn. No request may fail: not one error, timeout or
 * wrong answer. Afterwards both replicas of each service that keeps a view hold the same one.
 * The same load runs first without restarts: the figures (JSON on stdout) compare the two phases.
 */
// From their production build, as a deployment runs them: a restart starts in about a second (not the
// seconds of compiling TypeScript at start-up, which on a loaded machine outlast the start's timeout).
// A start may take long on a machine whose cores other test runs share: a minute, not the default 30 s.
const h = new GatewayHarness({ serviceMode: 'dist', startTimeoutMs: 90_000 });
const DATA_VOLUME_ADMINISTRATOR = 2256;
const SERVICES = ['authz', 'sharing', 'volume', 'workload-admission', 'audit', 'gateway'] as const;
const BASELINE_MS = 15_000;
/** How often the test's balancer asks each gateway whether it is ready (a Kubernetes readiness probe's period). */
const BALANCER_CHECK_MS = 1000;
/** How long a stopping gateway keeps serving: longer than the balancer takes to notice. */
const GATEWAY_DRAIN_DELAY_MS = String(BALANCER_CHECK_MS + 500);
let dana = '';
/**
 * The load's patience, over NATS and through the gateway: 30 s. A request that is lost never gets an
 * answer however long one waits; one that is merely slow does. On this machine (2 cores that other
 * engineers' test runs share, load averages of 40 seen) a volume create has taken 12 s while an audit
 * replica started, past the harness client's 15 s and the gateway's 10 s defaults.
 */
const CALL_TIMEOUT_MS = 30_000;
let client: RpcClient;
/** The environment each service was started with, to start it again the same way. */
const envOf = new Map<string, Record<string, string>>();

interface Outcome {
  op: string;
  /** When it was sent (ms since the test's start) and how long it took. */
  at: number;
  ms: number;
  error?: string;
}

/** What the rolling phase did when, to place a failure (ms since the test's start). */
const timeline: { at: number; what: string }[] = [];
const T0 = performance.now();
const now = (): number => Math.round(performance.now() - T0);

/** Every request the load makes, by phase. */
const outcomes: Record<'baseline' | 'rolling', Outcome[]> = { baseline: [], rolling: [] };
let phase: 'baseline' | 'rolling' | 'off' = 'off';

async function timed<T>(op: string, call: () => Promise<T>, check: (value: T) => string | undefined = () => undefined): Promise<T | undefined> {
  const at = phase;
  const started = performance.now();
  try {
    const value = await call();
    const wrong = check(value);
    if (at !== 'off')
      outcomes[at].push({ op, at: Math.round(started - T0), ms: performance.now() - started, ...(wrong !== undefined ? { error: wrong } : {}) });
    return wrong === undefined ? value : undefined;
  } catch (error) {
    // fetch's own failures say why in their cause (ECONNREFUSED, a socket closed under the request).
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${(error.cause as { code?: string }).code ?? error.cause.message})` : '';
    const message = error instanceof Error ? `${(error as Partial<DvError>).code ?? error.name}: ${error.message}${cause}` : String(error);
    if (at !== 'off') outcomes[at].push({ op, at: Math.round(started - T0), ms: performance.now() - started, error: message });
    return undefined;
  }
}

/** The gateways that answer ready, polled as a load balancer's health check does. */
const balancer = {
  ready: new Map<ServiceProcess, string>(),
  next: 0,
  pick(): string {
    const urls = [...this.ready.values()];
    if (urls.length === 0) throw new Error('no gateway is ready');
    return urls[this.next++ % urls.length] as string;
  },
};

function gatewayUrl(p: ServiceProcess): string {
  const port = /"msg":"service ready".*?"httpPort":(\d+)/.exec(p.output())?.[1];
  if (port === undefined) throw new Error('the gateway did not log its HTTP port');
  return `http://127.0.0.1:${port}`;
}

async function isReady(p: ServiceProcess): Promise<boolean> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return false;
  return httpRequest(`http://127.0.0.1:${p.healthPort}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  );
}

async function pollGateways(running: () => boolean): Promise<void> {
  while (running()) {
    for (const p of h.processes.get('gateway') ?? []) {
      if (await isReady(p)) balancer.ready.set(p, gatewayUrl(p));
      else balancer.ready.delete(p);
    }
    await new Promise((r) => setTimeout(r, BALANCER_CHECK_MS));
  }
}

async function http(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${balancer.pick()}${path}`, {
    method,
    headers: { authorization: `Bearer ${dana}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

async function domainHead(): Promise<number> {
  const jsm = await jetstreamManager(h.nc);
  return (await jsm.streams.info(STREAMS.domain.name)).state.last_seq;
}

let counter = 0;
const sharedVolumes: string[] = [];

/** One volume's life over NATS: created, Ready, shared with p2, then a Pod of p2 mounting it admitted. */
async function natsPipeline(): Promise<void> {
  const name = `roll-${h.run}-${counter++}`;
  await h.originPvc(h.namespaceOf('p1'), name);
  const created = await timed('volume.create', () =>
    client.call(VolumeRpc.create, { name, projectId: 'p1', originPvcName: name, useOriginalVolume: true }, { identity: HARNESS_ROOT }),
  );
  if (!created) return;
  const id = created.volume.id;
  for (let ready = false; !ready;) {
    await new Promise((r) => setTimeout(r, 150));
    const got = await timed('volume.get', () => client.call(VolumeRpc.get, { id, atLeast: created.revision }, { identity: HARNESS_ROOT }));
    if (!got) return;
    ready = got.status.phase === 'Ready';
  }
  // The sharing service must have seen the volume Ready: every event up to now.
  const atLeast: Revision = { events: await domainHead() };
  const shared = await timed('sharing.update', () =>
    client.call(SharingRpc.update, { volumeId: id, add: [{ scopeType: 'project', scopeId: 'p2' }], remove: [], atLeast }, { identity: HARNESS_ROOT }),
  );
  if (!shared) return;
  sharedVolumes.push(id);
  await timed(
    'admission.review',
    () =>
      client.call(
        AdmissionRpc.review,
        {
          projectId: 'p2',
          workload: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
          subject: { subjectId: 'root', subjectType: 'user' },
          dataVolumes: [{ id, mountPath: '/data' }],
          workloadId: name,
          atLeast: shared.revision,
        },
        { identity: HARNESS_ROOT },
      ),
    (reply) => (reply.allowed ? undefined : `review denied: ${JSON.stringify(reply)}`),
  );
}

/** Reads that must always answer the same: a check, a resolve of a shared volume, the audit head. */
async function checks(): Promise<void> {
  await timed(
    'authz.check',
    () =>
      client.call(
        AuthzRpc.check,
        {
          subject: { subjectId: 'dana', subjectType: 'user', groups: ['data-admins'] },
          action: 'read',
          resourceType: 'datavolumes',
          scope: { scopeType: 'project', scopeId: 'p1' },
        },
        { identity: HARNESS_ROOT },
      ),
    (d) => (d.allowed ? undefined : `check denied: ${d.message}`),
  );
  const volumeId = sharedVolumes[sharedVolumes.length - 1];
  if (volumeId !== undefined) {
    await timed(
      'sharing.resolve',
      () => client.call(SharingRpc.resolve, { volumeId, projectId: 'p2' }, { identity: HARNESS_ROOT }),
      (r) => (r.usable ? undefined : `not usable: ${JSON.stringify(r)}`),
    );
  }
  await timed('audit.head', () => client.call(AuditRpc.head, {}, { identity: HARNESS_ROOT }));
}

/** Over the gateway with dana's token: a create, then the volume read back at its revision. */
async function gatewayPipeline(): Promise<void> {
  const name = `roll-gw-${h.run}-${counter++}`;
  await h.originPvc(h.namespaceOf('p1'), name);
  const created = await timed(
    'http.create',
    () => http('POST', '/api/v1/datavolumes', { name, projectId: 'p1', originPvcName: name }),
    (r) => (r.status === 201 ? undefined : `POST answered ${r.status}: ${JSON.stringify(r.body)}`),
  );
  if (!created) return;
  const id = (created.body as { id: string }).id;
  await timed(
    'http.list',
    () => http('GET', `/api/v1/datavolumes?requestType=Originated&filterBy=name==${name}`),
    (r) =>
      r.status === 200 && (r.body as { datavolumes: { id: string }[] }).datavolumes.some((v) => v.id === id)
        ? undefined
        : `list answered ${r.status}: ${JSON.stringify(r.body)}`,
  );
}

/** A read over the gateway: the kind of request a console makes most. */
async function gatewayRead(): Promise<void> {
  await timed(
    'http.read',
    () => http('GET', '/api/v1/datavolumes?requestType=Originated&limit=5'),
    (r) => (r.status === 200 ? undefined : `list answered ${r.status}: ${JSON.stringify(r.body)}`),
  );
}

async function loop(running: () => boolean, step: () => Promise<void>, pauseMs: number): Promise<void> {
  while (running()) {
    await step();
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** The load: two NATS pipelines, one of checks, one of writes and one of reads over HTTP, until told to stop. */
function startLoad(): { stop: () => Promise<void> } {
  let running = true;
  const on = (): boolean => running;
  const all = Promise.all([
    loop(on, natsPipeline, 50),
    loop(on, natsPipeline, 50),
    loop(on, checks, 50),
    loop(on, gatewayPipeline, 50),
    loop(on, gatewayRead, 20),
  ]);
  return {
    stop: async () => {
      running = false;
      await all;
    },
  };
}

/** SIGTERM, wait for the exit (0: a graceful stop), then a new replica, waited for until ready. */
async function restart(service: string, p: ServiceProcess): Promise<{ exit: number | null; drainMs: number }> {
  const started = performance.now();
  timeline.push({ at: now(), what: `SIGTERM ${service} pid ${p.child.pid ?? '?'}` });
  await p.stop();
  const drainMs = performance.now() - started;
  timeline.push({ at: now(), what: `${service} pid ${p.child.pid ?? '?'} exited ${p.child.exitCode ?? p.child.signalCode}` });
  const exit = p.child.exitCode;
  h.processes.set(
    service,
    (h.processes.get(service) ?? []).filter((x) => x !== p),
  );
  const env = envOf.get(service) ?? {};
  const fresh = await h.addReplica({ name: service, env });
  timeline.push({ at: now(), what: `${service} pid ${fresh.child.pid ?? '?'} started` });
  await waitFor(async () => ((await isReady(fresh)) ? true : undefined), { timeoutMs: 60_000, intervalMs: 100, what: `${service} to be ready again` });
  timeline.push({ at: now(), what: `${service} pid ${fresh.child.pid ?? '?'} ready` });
  // As a rolling update does, the next gateway is stopped only once the balancer sends this one requests.
  if (service === 'gateway')
    await waitFor(async () => (balancer.ready.has(fresh) ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 50,
      what: 'the balancer to use the new gateway',
    });
  return { exit, drainMs };
}

function summary(list: readonly Outcome[]): { requests: number; failed: number; p50Ms: number; p99Ms: number } {
  const sorted = list.map((o) => o.ms).sort((a, b) => a - b);
  const at = (q: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10;
  return { requests: list.length, failed: list.filter((o) => o.error !== undefined).length, p50Ms: at(0.5), p99Ms: at(0.99) };
}

beforeAll(async () => {
  await buildProjects(SERVICES);
  const gatewayTimeouts = { GATEWAY_NATS_TIMEOUT_MS: String(CALL_TIMEOUT_MS), GATEWAY_REQUEST_TIMEOUT_MS: String(CALL_TIMEOUT_MS + 5000) };
  const admissionEnv = { ADMISSION_CALL_TIMEOUT_MS: '5000' };
  ({ dana } = (await h.startAll({
    name: 'rolling',
    rules: [['group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'tenant', 't1']],
    users: ['dana'],
    gatewayEnv: () => ({ GATEWAY_DRAIN_DELAY_MS, ...gatewayTimeouts }),
  })) as { dana: string });
  client = new RpcClient(h.nc, { timeoutMs: CALL_TIMEOUT_MS });
  // The environment of the first replica of each, for the second and for every restart.
  envOf.set('authz', { AUTHZ_BOOTSTRAP_ADMINS: 'user:root' });
  envOf.set('volume', { VOLUME_RECONCILE_INTERVAL_MS: '300', VOLUME_RESYNC_INTERVAL_MS: '1000', VOLUME_USAGE_CHECK: 'required' });
  envOf.set('workload-admission', admissionEnv);
  envOf.set('sharing', {});
  envOf.set('audit', {});
  envOf.set('gateway', {
    GATEWAY_PORT: '0',
    GATEWAY_OIDC_ISSUER: h.idp.issuer,
    GATEWAY_OIDC_AUDIENCE: 'dv-gateway',
    GATEWAY_DRAIN_DELAY_MS,
    ...gatewayTimeouts,
  });
  for (const service of SERVICES) await h.addReplica({ name: service, env: envOf.get(service) ?? {} } satisfies HarnessService);
}, 30 * 60_000);

afterAll(() => h.stopAll(), 120_000);

it(
  'restarts every replica of every service with SIGTERM under load: no request fails, and the replicas converge',
  async () => {
    for (const service of SERVICES) expect((h.processes.get(service) ?? []).length).toBe(2);
    let polling = true;
    const poller = pollGateways(() => polling);
    await waitFor(async () => (balancer.ready.size === 2 ? true : undefined), { timeoutMs: 30_000, intervalMs: 100, what: 'both gateways ready' });

    // The same load without restarts first: the baseline of the figures.
    const restarts: { service: string; exit: number | null; drainMs: number }[] = [];
    let rollingMs = 0;
    let load: { stop: () => Promise<void> } | undefined;
    try {
      phase = 'baseline';
      load = startLoad();
      await new Promise((r) => setTimeout(r, BASELINE_MS));
      await load.stop();

      phase = 'rolling';
      load = startLoad();
      const rollingStarted = performance.now();
      for (const service of SERVICES) {
        for (const p of [...(h.processes.get(service) ?? [])]) restarts.push({ service, ...(await restart(service, p)) });
      }
      rollingMs = performance.now() - rollingStarted;
    } finally {
      // Also when a restart failed: nothing of the load may outlive the test (the platform stops after it).
      await load?.stop();
      phase = 'off';
      polling = false;
      await poller;
    }

    const figures = {
      rollingRestart: {
        replicas: 2,
        restarts: restarts.length,
        rollingMs: Math.round(rollingMs),
        drainMs: Object.fromEntries(SERVICES.map((s) => [s, restarts.filter((r) => r.service === s).map((r) => Math.round(r.drainMs))])),
        baseline: summary(outcomes.baseline),
        rolling: summary(outcomes.rolling),
        failures: outcomes.rolling.filter((o) => o.error !== undefined),
        // Only with failures: what happened around them.
        ...(outcomes.rolling.some((o) => o.error !== undefined) ? { timeline } : {}),
        byOp: Object.fromEntries([...new Set(outcomes.rolling.map((o) => o.op))].map((op) => [op, summary(outcomes.rolling.filter((o) => o.op === op))])),
      },
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);

    // Every replica stopped gracefully, and not one request failed, in either phase.
    expect(restarts.map((r) => [r.service, r.exit])).toEqual(
      SERVICES.flatMap((s) => [
        [s, 0],
        [s, 0],
      ]),
    );
    expect(outcomes.baseline.filter((o) => o.error !== undefined)).toEqual([]);
    expect(outcomes.rolling.filter((o) => o.error !== undefined)).toEqual([]);
    // The load kept going through every restart (each kind of request was made, many times).
    for (const op of [
      'volume.create',
      'sharing.update',
      'admission.review',
      'authz.check',
      'sharing.resolve',
      'audit.head',
      'http.create',
      'http.list',
      'http.read',
    ])
      expect(outcomes.rolling.filter((o) => o.op === op).length).toBeGreaterThan(5);

    // Convergence: both replicas of each service with a view have applied both streams to their heads
    // and hold the same view (same sizes; admission's count of records found at its start excepted).
    const jsm = await jetstreamManager(h.nc);
    const heads = {
      events: (await jsm.streams.info(STREAMS.domain.name)).state.last_seq,
      platform: (await jsm.streams.info(STREAMS.platform.name)).state.last_seq,
    };
    for (const service of ['authz', 'sharing', 'volume', 'workload-admission']) {
      const [a, b] = await waitFor(
        async () => {
          const views = await Promise.all((h.processes.get(service) ?? []).map((p) => projectionMetrics(p.healthPort)));
          const atHead = views.every((v) => v.ready && v.applied.events === heads.events && v.applied.platform === heads.platform);
          return atHead && views.length === 2 ? (views as [ProjectionMetrics, ProjectionMetrics]) : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200, what: `both ${service} replicas at the streams' heads` },
      );
      const comparable = (m: ProjectionMetrics): Record<string, number> =>
        Object.fromEntries(Object.entries(m.sizes).filter(([part]) => part !== 'usage records in use at start'));
      expect({ service, sizes: comparable(a) }).toEqual({ service, sizes: comparable(b) });
    }
    // Every admission acknowledged is in the volume's usage, whichever replica answers.
    for (const volumeId of sharedVolumes.slice(-5)) {
      for (let i = 0; i < 4; i++) {
        const usage = await client.call(AdmissionRpc.usage, { volumeId }, { identity: HARNESS_ROOT });
        expect(usage.workloads.length).toBe(1);
      }
    }
    // The audit log sealed every event, and its chain holds against its stream; its head is the same from both replicas.
    await waitFor(
      async () => {
        const info = await jsm.consumers.info(STREAMS.domain.name, 'audit').catch(() => undefined);
        return info !== undefined && info.delivered.stream_seq >= heads.events && info.num_ack_pending === 0 && info.num_pending === 0 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'audit to have sealed every event' },
    );
    const verified = await client.call(AuditRpc.verify, { againstStream: true }, { identity: HARNESS_ROOT });
    expect(verified.firstBad).toBeUndefined();
    expect(verified.ok).toBe(true);
    const headsSeen = new Set<string>();
    for (let i = 0; i < 6; i++) headsSeen.add(JSON.stringify(await client.call(AuditRpc.head, {}, { identity: HARNESS_ROOT })));
    expect(headsSeen.size).toBe(1);
    // Nothing was dead-lettered along the way.
    expect((await jsm.streams.info(STREAMS.deadLetter.name)).state.messages).toBe(0);
  },
  10 * 60_000,
);

/** How long a replica may take from SIGTERM to its exit with work in flight (the stop's own deadline, SERVICE_STOP_TIMEOUT_MS, is 25 s). */
const STOP_BOUND_MS = 20_000;

it(
  'every service exits 0 within the bound after SIGTERM with a backlog of events and requests in flight',
  async () => {
    // A backlog no handler finishes quickly: p1 renamed again and again. Each rename makes the volume
    // replicas align every volume of p1 (hundreds by now: the load above made them there), one write
    // and one publish each; 16 handlers at once per replica, and a fetched batch waiting behind them.
    // Before decision 0035 a stopping replica handled all of that first: it took minutes to exit
    // (seen at a benchmark's end), or, past its deadline, exited 1.
    const RENAMES = 40;
    for (let i = 0; i < RENAMES; i++)
      await h.org(
        OrgEvents.project.updated,
        { projectId: 'p1', departmentId: 'd1', clusterId: 'c1', name: `Project p1 (rename ${i})`, namespace: h.namespaceOf('p1') },
        'p1',
      );
    let polling = true;
    const poller = pollGateways(() => polling);
    phase = 'off';
    const load = startLoad();
    try {
      // The volume replicas are in the middle of it: some of p1's volumes carry a new name already.
      await waitFor(
        async () => {
          const { datavolumes } = await client.call(
            VolumeRpc.list,
            { requestType: 'Originated', filterBy: ['projectName=@rename'], limit: 1 },
            { identity: HARNESS_ROOT },
          );
          return datavolumes.length > 0 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: "the volume replicas to be renaming p1's volumes" },
      );
      // One replica of every service at once, while the load and the renames run.
      const stops = SERVICES.map(async (service) => {
        const p = (h.processes.get(service) ?? [])[0];
        if (p === undefined) throw new Error(`no ${service} replica`);
        const started = performance.now();
        p.child.kill('SIGTERM');
        const exit = await Promise.race([
          new Promise<number | string | null>((resolve) => p.child.once('exit', (code, signal) => resolve(code ?? signal))),
          new Promise<string>((resolve) => setTimeout(() => resolve(`still running after ${STOP_BOUND_MS} ms`), STOP_BOUND_MS)),
        ]);
        const ms = Math.round(performance.now() - started);
        const stopped = /"msg":"service stop(ped|gave up)".*/.exec(p.output())?.[0];
        // What a replica that missed the bound was doing: the end of its log.
        return { service, exit, ms, stopped, ...(exit === 0 && ms < STOP_BOUND_MS ? {} : { tail: p.output().split('\n').slice(-25) }) };
      });
      const results = await Promise.all(stops);
      process.stdout.write(`${JSON.stringify({ stopWithBacklog: results })}\n`);
      expect(results.map((r) => [r.service, r.exit])).toEqual(SERVICES.map((s) => [s, 0]));
      for (const r of results) expect(r.ms).toBeLessThan(STOP_BOUND_MS);
    } finally {
      await load.stop();
      polling = false;
      await poller;
      for (const service of SERVICES) {
        const [first] = h.processes.get(service) ?? [];
        // Whatever the outcome, nothing of this test outlives it; the other replica is stopped by afterAll.
        if (first !== undefined) {
          await first.kill();
          h.processes.set(service, (h.processes.get(service) ?? []).slice(1));
        }
      }
    }
  },
  3 * 60_000,
);
