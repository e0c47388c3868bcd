import { HARNESS_ROOT, KubePlatformHarness, type RunningJaeger, buildProjects, httpRequest, repoRoot, startJaeger, waitFor } from '@dv/testing';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Traces you can open: every service a real process (from its production build, as `npm start` runs
 * them) exporting its spans over OTLP to a real Jaeger (built by the test bed); one volume create by a
 * caller with a span of its own; the trace read back from Jaeger's query API shows every hop the create
 * takes, under the caller's one trace id: the caller, volume, authz over NATS, MongoDB, the Kubernetes
 * API, the outbox publish of its event, and the consumers of that event in sharing, admission and audit.
 */
const SERVICES = ['authz', 'sharing', 'volume', 'workload-admission', 'audit'];
const CALLER = 'trace-test-caller';
const CREATED = 'dv.evt.volume.created.v1';
const h = new KubePlatformHarness({ serviceMode: 'dist' });
let jaeger: RunningJaeger;
let jaegerDir = '';

/** The span and process shapes of Jaeger's query API (`GET /api/traces/<trace id>`). */
interface JaegerTag {
  key: string;
  value: unknown;
}
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: JaegerTag[];
  processID: string;
}
interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

/** A span with its service's name and its parent (the CHILD_OF reference), for readable checks. */
interface Hop {
  id: string;
  parent: string | undefined;
  traceId: string;
  service: string;
  name: string;
  tags: Map<string, unknown>;
}

async function fetchTrace(traceId: string): Promise<Hop[]> {
  const response = await httpRequest(`${jaeger.queryUrl}/api/traces/${traceId}`);
  if (response.status !== 200) return [];
  const trace = (JSON.parse(response.body) as { data: JaegerTrace[] }).data[0];
  if (!trace) return [];
  return trace.spans.map((s) => ({
    id: s.spanID,
    parent: s.references.find((r) => r.refType === 'CHILD_OF')?.spanID,
    traceId: s.traceID,
    service: trace.processes[s.processID]?.serviceName ?? '?',
    name: s.operationName,
    tags: new Map(s.tags.map((t) => [t.key, t.value])),
  }));
}

/** Runs the caller (test/system/fixtures/traced-create.ts) as its own process; its trace id and the new volume's. */
function createAsCaller(request: Record<string, unknown>): Promise<{ traceId: string; volumeId: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-r', join(repoRoot(), 'scripts/ts-register.js'), join(__dirname, 'fixtures/traced-create.ts'), JSON.stringify(request), JSON.stringify(HARNESS_ROOT)],
      {
        cwd: repoRoot(),
        env: { ...process.env, ...h.nats.serviceEnv('operator'), OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`the caller failed: ${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as { traceId: string; volumeId: string }),
    );
  });
}

/** The hops from a span up to the trace's root, the span itself first. */
function ancestry(hops: readonly Hop[], hop: Hop): Hop[] {
  const byId = new Map(hops.map((x) => [x.id, x]));
  const chain = [hop];
  for (let at = hop.parent; at !== undefined; at = byId.get(at)?.parent) {
    const parent = byId.get(at);
    if (!parent) break;
    chain.push(parent);
  }
  return chain;
}

function tagValues(hop: Hop): string[] {
  return [...hop.tags.values()].map(String);
}

/** What the test waits for: the hops a volume create takes, each found in the trace. */
function hopsOfCreate(hops: readonly Hop[], pvcName: string) {
  const find = (service: string, test: (hop: Hop) => boolean): Hop | undefined => hops.find((x) => x.service === service && test(x));
  // A sweep of the outbox may publish the event again (JetStream keeps one): any publish span of it counts.
  const publishes = new Set(hops.filter((x) => x.service === 'volume' && x.name === `${CREATED} publish`).map((x) => x.id));
  const consumer = (service: string): Hop | undefined =>
    find(service, (x) => x.name.startsWith(`${CREATED} `) && x.tags.get('span.kind') === 'consumer' && x.parent !== undefined && publishes.has(x.parent));
  return {
    caller: find(CALLER, (x) => x.name === 'create a data volume'),
    callerSend: find(CALLER, (x) => x.name === 'dv.volume.create send'),
    volume: find('volume', (x) => x.name === 'dv.volume.create process'),
    authzSend: find('volume', (x) => x.name === 'dv.authz.check send'),
    authz: find('authz', (x) => x.name === 'dv.authz.check process'),
    mongo: find('volume', (x) => x.tags.get('db.system') === 'mongodb' || x.tags.get('db.system.name') === 'mongodb'),
    kube: find('volume', (x) => x.tags.get('span.kind') === 'client' && tagValues(x).some((v) => v.includes(`/persistentvolumeclaims/${pvcName}`))),
    publish: find('volume', (x) => publishes.has(x.id)),
    // The consumers of the event: sharing's and admission's views (they follow the stream), audit's record.
    sharing: consumer('sharing'),
    admission: consumer('workload-admission'),
    audit: consumer('audit'),
  };
}

beforeAll(async () => {
  jaegerDir = await mkdtemp(join(tmpdir(), 'dv-jaeger-test-'));
  [jaeger] = await Promise.all([startJaeger({ dir: jaegerDir }), buildProjects(SERVICES)]);
  // Spans leave each service in batches: every 200 ms here rather than 5 s, so the test reads them soon.
  await h.startPlatform({
    webhook: false,
    alsoRun: [{ name: 'audit' }],
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpHttpUrl, OTEL_BSP_SCHEDULE_DELAY: '200' },
  });
  // `npm test` builds Jaeger before jest (bed.ts build); run alone on a fresh machine, this builds it first (many minutes).
}, 1_800_000);

afterAll(async () => {
  await h.stopPlatform();
  await jaeger?.stop();
  if (jaegerDir !== '') await rm(jaegerDir, { recursive: true, force: true });
}, 60_000);

describe('a volume create, opened in Jaeger', () => {
  it('is one trace from the caller through volume, authz, MongoDB, the Kubernetes API and the outbox to the consumers of its event', async () => {
    const pvcName = 'traced';
    await h.originPvc(h.namespaceOf('p1'), pvcName);
    const { traceId } = await createAsCaller({ name: 'traced', projectId: 'p1', originPvcName: pvcName, useOriginalVolume: false });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    let hops: Hop[] = [];
    const found = await waitFor(
      async () => {
        hops = await fetchTrace(traceId);
        const create = hopsOfCreate(hops, pvcName);
        return Object.values(create).every((v) => v !== undefined) ? create : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: `trace ${traceId} in Jaeger to show every hop of the create` },
    ).catch((error: unknown) => {
      // What was there, to tell a missing hop from a broken link.
      const seen = hops.map((x) => `${x.service}: ${x.name}`).sort();
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nspans in the trace:\n  ${[...new Set(seen)].join('\n  ')}`);
    });

    // One trace id throughout, one root (the caller's span), and every parent a span of this trace: no hop starts a trace of its own.
    expect(new Set(hops.map((x) => x.traceId))).toEqual(new Set([traceId]));
    const ids = new Set(hops.map((x) => x.id));
    expect(hops.filter((x) => x.parent === undefined).map((x) => x.id)).toEqual([found.caller?.id]);
    expect(hops.filter((x) => x.parent !== undefined && !ids.has(x.parent)).map((x) => `${x.service}: ${x.name}`)).toEqual([]);

    // The path of the request: caller → NATS → volume → NATS → authz; MongoDB, the Kubernetes API and the outbox publish under volume's handling.
    expect(found.callerSend?.parent).toBe(found.caller?.id);
    expect(found.volume?.parent).toBe(found.callerSend?.id);
    expect(ancestry(hops, found.authzSend as Hop)).toContain(found.volume);
    expect(found.authz?.parent).toBe(found.authzSend?.id);
    for (const hop of [found.mongo, found.kube, found.publish]) expect(ancestry(hops, hop as Hop)).toContain(found.volume);
    expect(found.publish?.tags.get('span.kind')).toBe('producer');
    // Each consumer of the event continues the trace from a publish of it (hopsOfCreate found them as its children), under the create.
    for (const hop of [found.sharing, found.admission, found.audit]) expect(ancestry(hops, hop as Hop)).toContain(found.volume);
  }, 120_000);
});
