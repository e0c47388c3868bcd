import { NATS_CLIENTS, natsPasswordVariable } from '@dv/contracts';
import { buildProjects, ensureBinaries, repoRoot, silentProgressLog } from '@dv/testing';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const DEPLOY = join(repoRoot(), 'deploy', 'kubernetes');
// Rendered from the Helm chart (test/deploy/plain-manifests.ts; helm-chart.test.ts fails when it is stale).
const PLAIN = join(DEPLOY, 'data-volumes.yaml');
const CERT_MANAGER_CRDS = join(__dirname, 'helm', 'cert-manager-crds.yaml');

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  data?: Record<string, string>;
  spec?: { template?: { spec?: { containers?: { env?: { name: string; valueFrom?: { secretKeyRef?: { key: string } } }[] }[] } } };
}

interface GatewayContainer {
  env?: { name: string; value?: string }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: unknown };
  livenessProbe?: { httpGet?: unknown };
}

/** The Deployments of the services and of the gateway. */
async function deployments(): Promise<Manifest[]> {
  return (await manifests()).filter((m) => m.kind === 'Deployment');
}

async function manifests(): Promise<Manifest[]> {
  return parseAllDocuments(await readFile(PLAIN, 'utf8'))
    .map((d) => d.toJSON() as Manifest)
    .filter((m) => m !== null);
}

/**
 * The manifests for a real cluster, checked by the real kube-apiserver of the test bed (server-side
 * dry run: schema, defaults, admission of every object), and the NATS configuration they mount, checked
 * by the real nats-server (`-t`). Nothing runs the pods here (no kubelet); what this proves is that the
 * objects are valid and consistent with each other and with the generated NATS permissions.
 */
describe('deploy/kubernetes', () => {
  let kubectl: string;
  let natsServer: string;
  const kubeconfig = process.env['KUBECONFIG'] ?? '';

  beforeAll(async () => {
    const paths = await ensureBinaries({ builds: ['nats-server', 'kube'], log: silentProgressLog });
    kubectl = paths.kubectl ?? '';
    natsServer = paths.natsServer ?? '';
    expect(kubeconfig).not.toBe('');
  });

  it('is accepted by the API server (server-side dry run after the namespace and the CRDs of cert-manager)', async () => {
    expect((await readdir(DEPLOY)).filter((f) => f.endsWith('.yaml')).sort()).toEqual(['data-volumes.yaml', 'values.yaml']);
    // The namespace for real (the dry run of namespaced objects needs it), and stand-ins for cert-manager's
    // CRDs (the webhook's Certificate and Issuer); the rest as a server-side dry run.
    await run(kubectl, ['--kubeconfig', kubeconfig, 'create', 'namespace', 'dv-system']).catch((error: unknown) => {
      if (!String((error as { stderr?: string }).stderr).includes('AlreadyExists')) throw error;
    });
    await run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '-f', CERT_MANAGER_CRDS]);
    await run(kubectl, [
      '--kubeconfig',
      kubeconfig,
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/certificates.cert-manager.io',
      'crd/issuers.cert-manager.io',
    ]);
    const { stdout } = await run(kubectl, ['--kubeconfig', kubeconfig, 'apply', '--dry-run=server', '-f', PLAIN]);
    const objects = (await manifests()).length;
    expect(objects).toBeGreaterThan(40);
    expect(
      stdout
        .trim()
        .split('\n')
        .filter((l) => l.includes('(server dry run)')),
    ).toHaveLength(objects);
  });

  it('runs every service, the gateway included, with its own NATS user, whose password the secret the NATS pods load also holds', async () => {
    const services = (await deployments()).filter((m) => m.kind === 'Deployment');
    expect(services.map((d) => d.metadata.name).sort()).toEqual(['dv-audit', 'dv-authz', 'dv-gateway', 'dv-sharing', 'dv-volume', 'dv-workload-admission']);
    for (const deployment of services) {
      const env = deployment.spec?.template?.spec?.containers?.[0]?.env ?? [];
      const user = env.find((e) => e.name === 'NATS_USER') as { value?: string } | undefined;
      expect(`dv-${user?.value}`).toBe(deployment.metadata.name);
      const password = env.find((e) => e.name === 'NATS_PASSWORD')?.valueFrom?.secretKeyRef?.key;
      expect(password).toBe(natsPasswordVariable(user?.value as (typeof NATS_CLIENTS)[number]));
    }
  });

  it('gives the services that replay the streams into memory before they serve (StreamProjection) their catch-up time before liveness counts', async () => {
    type Probe = { httpGet?: { path: string }; periodSeconds?: number; failureThreshold?: number; initialDelaySeconds?: number };
    const services = await deployments();
    for (const name of ['dv-authz', 'dv-sharing', 'dv-volume', 'dv-workload-admission']) {
      const container = (services.find((d) => d.metadata.name === name)?.spec?.template?.spec?.containers?.[0] ?? {}) as { startupProbe?: Probe };
      const startup = container.startupProbe;
      expect(startup?.httpGet?.path).toBe('/healthz');
      // At least the default <SERVICE>_CATCH_UP_MS (2 minutes) before the kubelet gives up on the start.
      expect((startup?.periodSeconds ?? 10) * (startup?.failureThreshold ?? 3)).toBeGreaterThanOrEqual(120);
    }
  });

  it('makes the streams with a Job as the provisioner, the one NATS user that may, before and apart from the services', async () => {
    const jobs = (await manifests()).filter((m) => m.kind === 'Job');
    // Its name carries the release's revision: an upgrade runs it again.
    expect(jobs.map((j) => j.metadata.name)).toEqual(['dv-streams-1']);
    const env = jobs[0]?.spec?.template?.spec?.containers?.[0]?.env ?? [];
    expect((env.find((e) => e.name === 'NATS_USER') as { value?: string } | undefined)?.value).toBe('provisioner');
    expect(env.find((e) => e.name === 'NATS_PASSWORD')?.valueFrom?.secretKeyRef?.key).toBe(natsPasswordVariable('provisioner'));
    const command = (jobs[0]?.spec?.template?.spec?.containers?.[0] as { command?: string[] } | undefined)?.command ?? [];
    // The compiled provisioner of the image (`nx build runtime`), not TypeScript.
    expect(command).toEqual(['node', '--enable-source-maps', 'dist/libs/runtime/provisioning/provision-main.js']);
    await buildProjects(['runtime']);
    await expect(readFile(join(repoRoot(), command.at(-1) ?? 'none'), 'utf8')).resolves.toContain('provisionPlatformStreams');
  }, 60_000);

  it("runs every service from the image's compiled build: the Dockerfile's CMD starts dist/services/$SERVICE/main.js, which nx build makes", async () => {
    const dockerfile = await readFile(join(repoRoot(), 'Dockerfile'), 'utf8');
    expect(dockerfile.trim().split('\n').at(-1)).toBe('CMD ["sh", "-c", "exec node --enable-source-maps dist/services/${SERVICE}/main.js"]');
    expect(dockerfile).not.toMatch(/ts-register|\.ts\b/);
    const services: string[] = [];
    for (const deployment of await deployments()) {
      const container = deployment.spec?.template?.spec?.containers?.[0] as
        { command?: string[]; args?: string[]; env?: { name: string; value?: string }[] } | undefined;
      expect({ command: container?.command, args: container?.args }).toEqual({ command: undefined, args: undefined });
      services.push(container?.env?.find((e) => e.name === 'SERVICE')?.value ?? 'none');
    }
    expect(services).toContain('gateway');
    // The image builds every service a Deployment runs.
    const built = /nx run-many -t build -p ([a-z,-]+)/.exec(dockerfile)?.[1]?.split(',') ?? [];
    expect(services.filter((s) => !built.includes(s))).toEqual([]);
    await buildProjects(services);
    for (const service of services) await expect(readFile(join(repoRoot(), 'dist/services', service, 'main.js'), 'utf8')).resolves.toContain('require(');
  }, 120_000);

  it('runs the gateway with its API port apart from the health port, probes on the health port, and a grace period that covers the drain', async () => {
    const objects = await manifests();
    const deployment = objects.find((m) => m.kind === 'Deployment' && m.metadata.name === 'dv-gateway') as
      { spec: { template: { spec: { terminationGracePeriodSeconds?: number; containers: GatewayContainer[] } } } } | undefined;
    const container = deployment?.spec.template.spec.containers[0];
    const env = Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
    const ports = Object.fromEntries((container?.ports ?? []).map((p) => [p.name, p.containerPort]));
    // HEALTH_PORT is 8080 in the image (Dockerfile): the API must listen elsewhere, on all interfaces.
    expect(ports).toEqual({ http: Number(env['GATEWAY_PORT']), health: 8080 });
    expect(env['GATEWAY_HOST']).toBe('0.0.0.0');
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    const requestTimeoutS = Number(/^(\d+)s$/.exec(env['GATEWAY_REQUEST_TIMEOUT_MS'] ?? '')?.[1]);
    expect(deployment?.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(requestTimeoutS + 5);
    const service = objects.find((m) => m.kind === 'Service' && m.metadata.name === 'dv-gateway') as
      { spec: { ports: { port: number; targetPort: string }[] } } | undefined;
    expect(service?.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http' }]);
  });

  it('mounts a NATS configuration that nats-server accepts: the cluster file including the generated permissions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dv-nats-conf-'));
    try {
      const objects = await manifests();
      const cluster = objects.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'dv-nats-cluster');
      const clusterConf = cluster?.data?.['nats-cluster.conf'];
      expect(clusterConf).toContain('include ./nats-server.conf');
      await writeFile(join(dir, 'nats-cluster.conf'), clusterConf ?? '');
      // The ConfigMap `dv-nats-config` holds the generated permissions, as deploy/nats/nats-server.conf has them.
      const permissions = objects.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'dv-nats-config')?.data?.['nats-server.conf'] ?? '';
      expect(permissions).toBe(await readFile(join(repoRoot(), 'deploy', 'nats', 'nats-server.conf'), 'utf8'));
      await writeFile(join(dir, 'nats-server.conf'), permissions);
      const passwords = Object.fromEntries(NATS_CLIENTS.map((c) => [natsPasswordVariable(c), `p${c.replace(/-/g, '')}x`]));
      const { stdout, stderr } = await run(natsServer, ['-c', join(dir, 'nats-cluster.conf'), '-t'], { env: { ...process.env, ...passwords } });
      expect(`${stdout}${stderr}`).toMatch(/configuration file .* is valid/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
