import { AdmissionRpc, type DataVolume, DvError, VolumeRpc } from '@dv/contracts';
import { HARNESS_ROOT, type HarnessService, KubePlatformHarness, type ServiceProcess, testBedEnv, waitFor } from '@dv/testing';
import { KubeConfig } from '@kubernetes/client-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';

/**
 * The Kubernetes API server unreachable for 10 s (a TCP proxy of the test's own in front of the bed's
 * kube-apiserver, which every test file shares, is closed and opened again): Ready volumes stay Ready
 * (an unreachable server is no evidence that a PV is gone), a review that needs no new binding is
 * admitted, one that needs a binding answers UNAVAILABLE (retryable), never a denial, and is admitted
 * once the server is back.
 */

/** A TCP proxy that can refuse everything for a while (closed: listening stops, open connections are cut). */
class SwitchableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let proxy: SwitchableProxy;
let dir = '';
let proxiedKubeconfig = '';

/** The services that talk to Kubernetes do so through the proxy; the test's own clients do not. */
class ProxiedKubeHarness extends KubePlatformHarness {
  override addReplica(service: HarnessService, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    return super.addReplica({ ...service, env: { ...service.env, KUBECONFIG: proxiedKubeconfig } }, extraEnv);
  }
}

const h = new ProxiedKubeHarness();
const PLATFORM = { subjectId: 'workloads', subjectType: 'service-account' as const };
const RITA = { subjectId: 'rita', subjectType: 'user' as const };
const DOWN_MS = 10_000;
let volume: DataVolume;

const review = (projectId: string, name: string) =>
  h.client.call(
    AdmissionRpc.review,
    {
      projectId,
      workload: { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
      subject: RITA,
      dataVolumes: [{ id: volume.id, mountPath: '/data' }],
    },
    { identity: PLATFORM, timeoutMs: 10_000 },
  );

beforeAll(async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(testBedEnv('KUBECONFIG'));
  const server = new URL(kc.getCurrentCluster()?.server ?? '');
  proxy = new SwitchableProxy(server.hostname, Number(server.port));
  await proxy.open();
  dir = await mkdtemp(join(tmpdir(), 'dv-kube-proxy-'));
  proxiedKubeconfig = join(dir, 'kubeconfig');
  const clusterName = kc.getCurrentCluster()?.name ?? '';
  kc.clusters = kc.clusters.map((c) => (c.name === clusterName ? { ...c, server: `https://127.0.0.1:${proxy.port}` } : c));
  await writeFile(proxiedKubeconfig, kc.exportConfig());

  await h.startPlatform({ webhook: false });
  volume = await h.readyVolume('through-proxy');
  await h.share(volume.id, {
    add: [
      { scopeType: 'project', scopeId: 'p2' },
      { scopeType: 'project', scopeId: 'p3' },
    ],
  });
  await h.grant('user', RITA.subjectId, 5, 'project', 'p2');
  await h.grant('user', RITA.subjectId, 5, 'project', 'p3');
  expect((await review('p2', 'before')).allowed).toBe(true); // p2's binding exists from here
}, 240_000);

afterAll(async () => {
  await h.stopPlatform();
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

it('keeps Ready volumes Ready and denies no review while the API server is unreachable', async () => {
  await proxy.close();
  const phases = new Set<string>();
  const p2Answers: boolean[] = [];
  const until = Date.now() + DOWN_MS;
  let n = 0;
  while (Date.now() < until) {
    n++;
    phases.add((await h.client.call(VolumeRpc.get, { id: volume.id }, { identity: HARNESS_ROOT })).status.phase);
    p2Answers.push((await review('p2', `during-${n}`)).allowed);
    await new Promise((r) => setTimeout(r, 250));
  }
  // A binding is needed in p3: the API server is away, so the answer is "try again", not a denial.
  const p3 = await review('p3', 'needs-binding').catch((error: unknown) => (error instanceof DvError ? error : undefined));
  await proxy.open();

  expect([...phases]).toEqual(['Ready']);
  expect(p2Answers.every((allowed) => allowed)).toBe(true);
  expect(p2Answers.length).toBeGreaterThan(5);
  expect(p3 instanceof DvError ? p3.code : p3).toBe('UNAVAILABLE');

  // Back: the review that needed the API server is admitted, and the volume is still Ready after its next checks.
  const again = await waitFor(
    async () => {
      try {
        return await review('p3', 'needs-binding');
      } catch (error) {
        if (error instanceof DvError && error.code === 'UNAVAILABLE') return undefined;
        throw error;
      }
    },
    { timeoutMs: 30_000, intervalMs: 500, what: 'the p3 review once the API server is back' },
  );
  expect(again.allowed).toBe(true);
  // A fence, not a pause: two of the volume's checks completed after the API server came back (its
  // schedule moved twice), and it is still Ready.
  const connection = await mongoose.createConnection(testBedEnv('MONGO_URL'), { dbName: h.databaseOf('volume') }).asPromise();
  try {
    const schedule = async (): Promise<number> => {
      const doc = await connection.collection<{ _id: string; nextAttemptAt?: string }>('datavolumes').findOne({ _id: volume.id });
      return Date.parse(doc?.nextAttemptAt ?? '') || 0;
    };
    const backAt = Date.now();
    const first = await waitFor(async () => ((await schedule()) > backAt ? schedule() : undefined), {
      timeoutMs: 30_000,
      what: 'a check of the volume after the API server came back',
    });
    await waitFor(async () => (await schedule()) > first, { timeoutMs: 30_000, what: 'a second check of the volume' });
  } finally {
    await connection.close();
  }
  expect((await h.client.call(VolumeRpc.get, { id: volume.id }, { identity: HARNESS_ROOT })).status.phase).toBe('Ready');
}, 120_000);
