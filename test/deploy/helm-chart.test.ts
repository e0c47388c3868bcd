import { NATS_CLIENTS, natsPasswordVariable } from '@dv/contracts';
import {
  FERRETDB_VERSION,
  HELM_VERSION,
  NATS_SERVER_VERSION,
  SERVICE_NODE_FLAGS,
  ensureBinaries,
  ensureHelmBinary,
  repoRoot,
  silentProgressLog,
} from '@dv/testing';
import { AuthorizationV1Api, KubeConfig } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { CHART_DIR, PLAIN_MANIFESTS, renderPlainManifests } from './plain-manifests';

const run = promisify(execFile);
const FULL_VALUES = join(__dirname, 'helm', 'full-values.yaml');
const CERT_MANAGER_CRDS = join(__dirname, 'helm', 'cert-manager-crds.yaml');
const SERVICES = ['authz', 'volume', 'sharing', 'workload-admission', 'audit', 'gateway'] as const;

interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  startupProbe?: { httpGet?: { path: string; port: string }; periodSeconds?: number; failureThreshold?: number };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
  lifecycle?: unknown;
  command?: string[];
  args?: string[];
}

interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[];
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
    podSelector?: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: { ports?: { port: number }[]; from?: unknown[] }[];
    egress?: { ports?: { port: number; protocol?: string }[]; to?: unknown[] }[];
    maxUnavailable?: number;
  };
  data?: Record<string, string>;
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  subjects?: { kind: string; name: string; namespace: string }[];
  roleRef?: { name: string };
  webhooks?: {
    clientConfig: { service: { name: string; namespace: string; port: number; path: string }; caBundle?: string };
    rules: unknown[];
    namespaceSelector: unknown;
    failurePolicy: string;
  }[];
}

function objectsOf(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

function containerOf(deployment: K8sObject): Container {
  const container = deployment.spec?.template?.spec.containers[0];
  if (!container) throw new Error(`${deployment.metadata.name} has no container`);
  return container;
}

function envOf(container: Container): Record<string, string | undefined> {
  return Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
}

/** Every .ts file under dir but the unit tests. */
async function sourcesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) =>
      e.isDirectory() ? sourcesUnder(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [join(dir, e.name)] : [],
    ),
  );
  return nested.flat();
}

/** A CoreV1Api method (readNamespacedPersistentVolumeClaim) as the RBAC verb and resource it needs. */
function coreCallAccess(method: string): { verb: string; resource: string; namespaced: boolean } {
  const match = /^(read|create|delete|list|patch|replace)(Namespaced)?(PersistentVolumeClaim|PersistentVolume|Namespace)$/.exec(method);
  if (!match) throw new Error(`CoreV1Api.${method}: add its verb and resource to this table and to the chart's RBAC`);
  const verbs: Record<string, string> = { read: 'get', create: 'create', delete: 'delete', list: 'list', patch: 'patch', replace: 'update' };
  const resources: Record<string, string> = { PersistentVolumeClaim: 'persistentvolumeclaims', PersistentVolume: 'persistentvolumes', Namespace: 'namespaces' };
  return { verb: verbs[match[1] ?? ''] ?? '', resource: resources[match[3] ?? ''] ?? '', namespaced: match[2] === 'Namespaced' };
}

interface Access {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
}

const describeAccess = (a: Access): string => `${a.verb} ${a.resource}${a.group ? `.${a.group}` : ''}${a.namespace ? ` in ${a.namespace}` : ''}`;

/**
 * The Helm chart (deploy/helm/data-volumes), checked by the Helm the test bed builds (helm lint, helm
 * template with the default and with full values, the values schema) and installed into the test
 * bed's kube-apiserver (RBAC on, no kubelet: the objects are stored, the pods stay pending), where the
 * API server itself answers whether each service account may do what its code does, and no more.
 */
describe('deploy/helm/data-volumes', () => {
  let helm: string;
  let kubectl: string;
  let natsServer: string;
  const kubeconfig = process.env['KUBECONFIG'] ?? '';
  const helmEnv = (): NodeJS.ProcessEnv => ({
    ...process.env,
    HELM_CACHE_HOME: join(scratch, 'cache'),
    HELM_CONFIG_HOME: join(scratch, 'config'),
    HELM_DATA_HOME: join(scratch, 'data'),
  });
  let scratch: string;

  const runHelm = async (args: string[]): Promise<string> => (await run(helm, args, { env: helmEnv(), maxBuffer: 32 * 1024 * 1024 })).stdout;
  const template = async (...extra: string[]): Promise<K8sObject[]> =>
    objectsOf(await runHelm(['template', 'dv', CHART_DIR, '--namespace', 'dv-system', ...extra]));
  const kubectlRun = async (args: string[]): Promise<string> => (await run(kubectl, ['--kubeconfig', kubeconfig, ...args])).stdout;

  beforeAll(async () => {
    expect(kubeconfig).not.toBe('');
    scratch = await mkdtemp(join(tmpdir(), 'dv-helm-'));
    // Helm is built once into the test bed's cache (a fresh machine pays the Go build here if `bed.ts build` has not).
    helm = await ensureHelmBinary(silentProgressLog);
    const paths = await ensureBinaries({ builds: ['nats-server', 'kube'], log: silentProgressLog });
    kubectl = paths.kubectl ?? '';
    natsServer = paths.natsServer ?? '';
  }, 30 * 60_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('is Helm v4 built by the test bed', async () => {
    expect(await runHelm(['version', '--template', '{{.Version}}'])).toBe(HELM_VERSION);
  });

  it('passes helm lint --strict with the default values and with every option set', async () => {
    const defaults = await runHelm(['lint', '--strict', CHART_DIR]);
    expect(defaults).toContain('1 chart(s) linted, 0 chart(s) failed');
    const full = await runHelm(['lint', '--strict', CHART_DIR, '--values', FULL_VALUES]);
    expect(full).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('renders every service with replicas, resources, probes on the health endpoints, a PodDisruptionBudget, topology spread and its own NATS user', async () => {
    const objects = await template();
    for (const service of SERVICES) {
      const deployment = find(objects, 'Deployment', `dv-${service}`);
      const pod = deployment.spec?.template?.spec;
      const container = containerOf(deployment);
      expect({ service, replicas: deployment.spec?.replicas }).toEqual({ service, replicas: service === 'audit' ? 1 : 2 });
      expect(container.resources?.requests?.['cpu']).toBeDefined();
      expect(container.resources?.limits?.['memory']).toBeDefined();
      expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
      expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
      expect(container.startupProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
      expect(container.ports).toContainEqual({ name: 'health', containerPort: 8080 });
      const env = envOf(container);
      expect({ service, SERVICE: env['SERVICE'], NATS_USER: env['NATS_USER'] }).toEqual({ service, SERVICE: service, NATS_USER: service });
      // Node's flags as the test bed, npm start and the benchmarks run the service (libs/testing/src/service-node-flags.ts).
      expect({ service, NODE_OPTIONS: env['NODE_OPTIONS'] }).toEqual({ service, NODE_OPTIONS: SERVICE_NODE_FLAGS[service]?.join(' ') });
      const password = container.env?.find((e) => e.name === 'NATS_PASSWORD')?.valueFrom?.secretKeyRef;
      expect(password).toEqual({ name: 'dv-nats-passwords', key: natsPasswordVariable(service) });
      // The services that replay the streams before they serve get their catch-up time (2 min by default) before liveness counts.
      if (['authz', 'volume', 'sharing', 'workload-admission'].includes(service)) {
        expect((container.startupProbe?.periodSeconds ?? 0) * (container.startupProbe?.failureThreshold ?? 0)).toBeGreaterThanOrEqual(120);
      }
      const selector = deployment.spec?.selector?.matchLabels ?? {};
      expect(pod?.topologySpreadConstraints?.map((t) => [t.topologyKey, t.labelSelector.matchLabels])).toEqual([
        ['kubernetes.io/hostname', selector],
        ['topology.kubernetes.io/zone', selector],
      ]);
      expect(find(objects, 'PodDisruptionBudget', `dv-${service}`).spec?.selector?.matchLabels).toEqual(selector);
      expect(pod?.serviceAccountName).toBe(`dv-${service}`);
      // Only the services that call the Kubernetes API carry a token.
      expect({ service, token: pod?.automountServiceAccountToken }).toEqual({ service, token: service === 'volume' || service === 'workload-admission' });
      // MongoDB from the Secret (every service but the gateway, which keeps no data).
      const mongo = container.env?.find((e) => e.name === 'MONGO_URL');
      expect({ service, mongo: mongo?.valueFrom?.secretKeyRef }).toEqual({
        service,
        mongo: service === 'gateway' ? undefined : { name: 'dv-mongodb', key: 'url' },
      });
      // The webhook is the chart's MutatingWebhookConfiguration: the service does not register one itself.
      expect(env['ADMISSION_WEBHOOK_REGISTER_AS']).toBeUndefined();
    }
    const gateway = find(objects, 'Deployment', 'dv-gateway');
    expect(containerOf(gateway).ports).toContainEqual({ name: 'http', containerPort: 8081 });
    expect(gateway.spec?.template?.spec.terminationGracePeriodSeconds).toBeGreaterThan(30 + 5);
    // No console unless its OAuth2 client is named (gateway.console.clientId).
    expect(Object.keys(envOf(containerOf(gateway))).filter((name) => name.startsWith('GATEWAY_CONSOLE_'))).toEqual([]);
    expect(find(objects, 'Service', 'dv-gateway').spec).toMatchObject({ ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  });

  it('renders the webhook with a certificate Helm generated: the Secret the pod mounts, signed by the CA in caBundle, for the Service the API server calls', async () => {
    const objects = await template();
    const webhook = find(objects, 'MutatingWebhookConfiguration', 'dv-workload-admission');
    const hook = webhook.webhooks?.[0];
    expect(hook?.clientConfig.service).toEqual({ namespace: 'dv-system', name: 'dv-workload-admission', port: 443, path: '/mutate' });
    expect(hook?.failurePolicy).toBe('Fail');
    const secret = find(objects, 'Secret', 'dv-workload-admission-tls') as K8sObject & { data: Record<string, string> };
    expect(secret.data['ca.crt']).toBe(hook?.clientConfig.caBundle);
    const dir = await mkdtemp(join(scratch, 'cert-'));
    await writeFile(join(dir, 'ca.crt'), Buffer.from(secret.data['ca.crt'] ?? '', 'base64'));
    await writeFile(join(dir, 'tls.crt'), Buffer.from(secret.data['tls.crt'] ?? '', 'base64'));
    const verified = await run('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'tls.crt')]);
    expect(verified.stdout.trim()).toBe(`${join(dir, 'tls.crt')}: OK`);
    const text = await run('openssl', ['x509', '-in', join(dir, 'tls.crt'), '-noout', '-ext', 'subjectAltName']);
    expect(text.stdout).toContain('DNS:dv-workload-admission.dv-system.svc');
    const pod = find(objects, 'Deployment', 'dv-workload-admission').spec?.template?.spec;
    expect(pod?.volumes).toContainEqual({ name: 'webhook-tls', secret: { secretName: 'dv-workload-admission-tls' } });
    expect(pod?.volumes).toContainEqual({ name: 'webhook-client-ca', configMap: { name: 'kube-apiserver-webhook-client-ca' } });
  });

  it('renders every option of the full values: the bundled NATS cluster and FerretDB, cert-manager, the identity provider, limits', async () => {
    const objects = await template('--values', FULL_VALUES);
    const nats = find(objects, 'StatefulSet', 'dv-nats');
    expect(nats.spec?.replicas).toBe(3);
    expect(find(objects, 'StatefulSet', 'dv-ferretdb').spec?.replicas).toBe(1);
    const volume = containerOf(find(objects, 'Deployment', 'dv-volume'));
    expect(envOf(volume)).toMatchObject({
      NATS_URL: 'nats://dv-nats.dv-system.svc:4222',
      MONGO_URL: 'mongodb://dv-ferretdb.dv-system.svc:27017/',
      VOLUME_USAGE_CHECK: 'required',
    });
    expect(envOf(volume)['OTEL_EXPORTER_OTLP_ENDPOINT']).toBe('http://otel-collector.monitoring.svc:4318');
    expect(find(objects, 'Certificate', 'dv-workload-admission-webhook').spec).toMatchObject({
      secretName: 'dv-workload-admission-tls',
      issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer' },
    });
    const webhook = find(objects, 'MutatingWebhookConfiguration', 'dv-workload-admission');
    expect(webhook.metadata.annotations?.['cert-manager.io/inject-ca-from']).toBe('dv-system/dv-workload-admission-webhook');
    expect(webhook.webhooks?.[0]?.clientConfig.caBundle).toBeUndefined();
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const gateway = envOf(containerOf(find(objects, 'Deployment', 'dv-gateway')));
    expect(gateway).toMatchObject({
      GATEWAY_OIDC_ISSUER: 'https://login.example.com/',
      GATEWAY_OIDC_AUDIENCE: 'data-volumes',
      GATEWAY_CORS_ORIGINS: 'https://console.example.com',
      GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8',
      GATEWAY_RATE_LIMIT_PER_S: '50',
      GATEWAY_REQUEST_TIMEOUT_MS: '20s',
      GATEWAY_HSTS_MAX_AGE_S: '63072000',
      GATEWAY_ACCESS_LOG: 'false',
      // The console's files are in the image (the Dockerfile builds `console`); the gateway serves them with this client.
      GATEWAY_CONSOLE_DIR: '/app/dist/apps/console',
      GATEWAY_CONSOLE_CLIENT_ID: 'dv-console',
      GATEWAY_CONSOLE_SCOPES: 'openid offline_access dv.api',
    });
    expect(envOf(containerOf(find(objects, 'Deployment', 'dv-authz')))['AUTHZ_BOOTSTRAP_ADMINS']).toBe('user:alice@example.com,group:platform-admins');
    expect(containerOf(find(objects, 'Deployment', 'dv-sharing'))).toMatchObject({ image: 'registry.example.com/dv/data-volumes:0.1.0-test' });
  });

  it('renders NetworkPolicies that let each service reach only what it talks to', async () => {
    const objects = await template('--values', FULL_VALUES);
    const egressPorts = (name: string): number[] =>
      [...new Set((find(objects, 'NetworkPolicy', name).spec?.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((p) => p.port)))].sort((a, b) => a - b);
    const ingressPorts = (name: string): number[] =>
      (find(objects, 'NetworkPolicy', name).spec?.ingress ?? []).flatMap((rule) => (rule.ports ?? []).map((p) => p.port)).sort((a, b) => a - b);
    // DNS, NATS, OTLP for all; MongoDB for all but the gateway; the API server (443 here) for volume and workload-admission; the provider (443) for the gateway.
    expect(egressPorts('dv-authz')).toEqual([53, 4222, 4317, 4318, 27017]);
    expect(egressPorts('dv-sharing')).toEqual([53, 4222, 4317, 4318, 27017]);
    expect(egressPorts('dv-audit')).toEqual([53, 4222, 4317, 4318, 27017]);
    expect(egressPorts('dv-volume')).toEqual([53, 443, 4222, 4317, 4318, 27017]);
    expect(egressPorts('dv-workload-admission')).toEqual([53, 443, 4222, 4317, 4318, 27017]);
    expect(egressPorts('dv-gateway')).toEqual([53, 443, 4222, 4317, 4318]);
    expect(egressPorts('dv-streams')).toEqual([53, 4222]);
    expect(ingressPorts('dv-authz')).toEqual([8080]);
    expect(ingressPorts('dv-gateway')).toEqual([8080, 8081]);
    expect(ingressPorts('dv-workload-admission')).toEqual([8080, 8443]);
    expect(ingressPorts('dv-nats')).toEqual([4222, 6222, 8222]);
    expect(ingressPorts('dv-ferretdb')).toEqual([27017]);
    for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    // The API server's peers from the values, not "anywhere".
    const kubeRule = find(objects, 'NetworkPolicy', 'dv-volume').spec?.egress?.find((r) => r.ports?.some((p) => p.port === 443));
    expect(kubeRule?.to).toEqual([{ ipBlock: { cidr: '10.96.0.1/32' } }]);
    // Every pod of the release is selected by a policy (deny by default).
    const selected = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.spec?.podSelector?.matchLabels?.['app.kubernetes.io/name']);
    const workloads = objects
      .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
      .map((o) => o.spec?.template?.metadata?.labels?.['app.kubernetes.io/name']);
    expect(workloads.filter((name) => !selected.includes(name))).toEqual([]);
  });

  it('mounts into the bundled NATS a configuration nats-server accepts: the cluster routes including the generated permissions', async () => {
    const objects = await template('--values', FULL_VALUES);
    const dir = await mkdtemp(join(scratch, 'nats-'));
    await writeFile(join(dir, 'nats-server.conf'), find(objects, 'ConfigMap', 'dv-nats-config').data?.['nats-server.conf'] ?? '');
    const cluster = find(objects, 'ConfigMap', 'dv-nats-cluster').data?.['nats-cluster.conf'] ?? '';
    expect(cluster).toContain('nats://dv-nats-2.dv-nats-routes.dv-system.svc:6222');
    await writeFile(join(dir, 'nats-cluster.conf'), cluster);
    const passwords = Object.fromEntries(NATS_CLIENTS.map((c) => [natsPasswordVariable(c), `p${c.replace(/-/g, '')}x`]));
    const { stdout, stderr } = await run(natsServer, ['-c', join(dir, 'nats-cluster.conf'), '-t'], { env: { ...process.env, ...passwords } });
    expect(`${stdout}${stderr}`).toMatch(/configuration file .* is valid/);
  });

  it("ships the generated NATS permissions: the chart's copy is deploy/nats/nats-server.conf (regenerate: test/deploy/plain-manifests.ts)", async () => {
    const shipped = await readFile(join(CHART_DIR, 'files', 'nats-server.conf'), 'utf8');
    expect(shipped).toBe(await readFile(join(repoRoot(), 'deploy', 'nats', 'nats-server.conf'), 'utf8'));
  });

  it('is what deploy/kubernetes/data-volumes.yaml ships (regenerate: node -r ./scripts/ts-register.js test/deploy/plain-manifests.ts)', async () => {
    const rendered = await renderPlainManifests(helm);
    expect(await readFile(PLAIN_MANIFESTS, 'utf8')).toBe(rendered);
  });

  it('runs the NATS and FerretDB versions the test bed builds, in the chart and in docker-compose.yml', async () => {
    const values = parse(await readFile(join(CHART_DIR, 'values.yaml'), 'utf8')) as {
      nats: { bundled: { image: string } };
      mongodb: { bundled: { image: string } };
    };
    const nats = `nats:${NATS_SERVER_VERSION.replace(/^v/, '')}-alpine`;
    const ferretdb = `ghcr.io/ferretdb/ferretdb:${FERRETDB_VERSION.replace(/^v/, '')}`;
    expect([values.nats.bundled.image, values.mongodb.bundled.image]).toEqual([nats, ferretdb]);
    const compose = parse(await readFile(join(repoRoot(), 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { image?: string; environment?: Record<string, string> }>;
    };
    expect([compose.services['nats']?.image, compose.services['mongo']?.image]).toEqual([nats, ferretdb]);
    // The same six services as the chart, each as its own NATS user.
    for (const service of SERVICES) expect({ service, user: compose.services[service]?.environment?.['NATS_USER'] }).toEqual({ service, user: service });
    for (const service of SERVICES) {
      expect({ service, NODE_OPTIONS: compose.services[service]?.environment?.['NODE_OPTIONS'] }).toEqual({
        service,
        NODE_OPTIONS: SERVICE_NODE_FLAGS[service]?.join(' '),
      });
    }
  });

  it.each([
    ['an unknown key', ['--set', 'volume.replica=3'], /additional properties 'replica' not allowed|additionalProperties/],
    ['two audit writers', ['--set', 'audit.replicas=2'], /audit\/replicas|replicas/],
    ['a NATS cluster of two', ['--set', 'nats.bundled.enabled=true', '--set', 'nats.bundled.replicas=2'], /replicas/],
    ['an issuer that is no URL', ['--set', 'gateway.oidc.issuer=login.example.com'], /issuer/],
    ['a certificate mode that does not exist', ['--set', 'workloadAdmission.webhook.certificate.mode=self'], /mode/],
    [
      'an existing certificate without its CA bundle',
      ['--set', 'workloadAdmission.webhook.certificate.mode=existingSecret', '--set', 'workloadAdmission.webhook.certificate.existingSecret=tls'],
      /caBundle/,
    ],
    ['a NATS URL of another scheme', ['--set', 'nats.url=http://nats:4222'], /url/],
    ['replicas as text', ['--set-string', 'volume.replicas=two'], /replicas/],
    ['a console client id with a space', ['--set', 'gateway.console.clientId=dv console'], /clientId/],
  ])('rejects %s at install (values.schema.json)', async (_what, args, mentions) => {
    const failure = await runHelm(['template', 'dv', CHART_DIR, ...args]).then(
      () => 'rendered',
      (error: unknown) => (error as { stderr?: string }).stderr ?? String(error),
    );
    expect(failure).toContain("values don't meet the specifications of the schema");
    expect(failure).toMatch(mentions);
  });

  describe('installed into the test bed kube-apiserver', () => {
    const release = `dv${randomBytes(3).toString('hex')}`;
    const namespace = `${release}-system`;
    const project = `${release}-project`;
    // The webhook sees only namespaces with this label (none exists): other tests' pods never reach it.
    const selectorLabel = `helm-test-${release}`;
    let manifest: K8sObject[] = [];
    let sar: AuthorizationV1Api;

    const can = async (serviceAccount: string, access: Access): Promise<boolean> => {
      const review = await sar.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: {
            user: `system:serviceaccount:${namespace}:${serviceAccount}`,
            groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
            resourceAttributes: {
              verb: access.verb,
              group: access.group,
              resource: access.resource,
              ...(access.namespace ? { namespace: access.namespace } : {}),
            },
          },
        },
      });
      return review.status?.allowed === true;
    };

    beforeAll(async () => {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      sar = kc.makeApiClient(AuthorizationV1Api);
      await kubectlRun(['apply', '-f', CERT_MANAGER_CRDS]);
      await kubectlRun(['wait', '--for=condition=Established', '--timeout=60s', 'crd/certificates.cert-manager.io', 'crd/issuers.cert-manager.io']);
      // Every option on (the bundled NATS and FerretDB, cert-manager), as a release of its own.
      await runHelm([
        'install',
        release,
        CHART_DIR,
        '--kubeconfig',
        kubeconfig,
        '--namespace',
        namespace,
        '--create-namespace',
        '--values',
        FULL_VALUES,
        // Added to the default expression (both must hold): only a namespace with this run's label would match.
        '--set',
        `workloadAdmission.webhook.namespaceSelector.matchLabels.${selectorLabel}=on`,
      ]);
      manifest = objectsOf(await runHelm(['get', 'manifest', release, '--kubeconfig', kubeconfig, '--namespace', namespace]));
    }, 180_000);

    afterAll(async () => {
      await runHelm(['uninstall', release, '--kubeconfig', kubeconfig, '--namespace', namespace, '--wait=false']).catch(() => undefined);
      await kubectlRun(['delete', 'namespace', namespace, '--wait=false']).catch(() => undefined);
    }, 120_000);

    it('is deployed, every object of the chart stored by the API server; its webhook sees no namespace of the other tests', async () => {
      const status = JSON.parse(await runHelm(['status', release, '--kubeconfig', kubeconfig, '--namespace', namespace, '--output', 'json'])) as {
        info: { status: string };
      };
      expect(status.info.status).toBe('deployed');
      expect(manifest.length).toBeGreaterThan(40);
      const dir = await mkdtemp(join(scratch, 'manifest-'));
      const file = join(dir, 'manifest.yaml');
      await writeFile(file, await runHelm(['get', 'manifest', release, '--kubeconfig', kubeconfig, '--namespace', namespace]));
      const stored = (await kubectlRun(['get', '-f', file, '-o', 'name'])).trim().split('\n');
      expect(stored).toHaveLength(manifest.length);
      const webhook = JSON.parse(await kubectlRun(['get', 'mutatingwebhookconfiguration', `${release}-workload-admission`, '-o', 'json'])) as K8sObject;
      expect(webhook.webhooks?.[0]?.namespaceSelector).toEqual({
        matchExpressions: [{ key: 'dv.platform/project-id', operator: 'Exists' }],
        matchLabels: { [selectorLabel]: 'on' },
      });
      const kinds = new Set(manifest.map((o) => o.kind));
      for (const kind of [
        'Deployment',
        'StatefulSet',
        'Job',
        'PodDisruptionBudget',
        'NetworkPolicy',
        'ClusterRole',
        'ClusterRoleBinding',
        'ServiceAccount',
        'MutatingWebhookConfiguration',
        'Certificate',
        'PersistentVolumeClaim',
        'ConfigMap',
        'Service',
      ]) {
        expect(kinds).toContain(kind);
      }
    });

    it('keeps the certificate Helm generated across upgrades (the Secret is looked up), and runs the streams Job again', async () => {
      const upgrade = async (): Promise<void> => {
        await runHelm([
          'upgrade',
          release,
          CHART_DIR,
          '--kubeconfig',
          kubeconfig,
          '--namespace',
          namespace,
          '--reuse-values',
          '--set',
          'workloadAdmission.webhook.certificate.mode=generate',
        ]);
      };
      const caBundle = async (): Promise<string> =>
        (
          await kubectlRun(['get', 'mutatingwebhookconfiguration', `${release}-workload-admission`, '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}'])
        ).trim();
      const secretCa = async (): Promise<string> =>
        (await kubectlRun(['get', 'secret', `${release}-workload-admission-tls`, '-n', namespace, '-o', 'jsonpath={.data.ca\\.crt}'])).trim();
      await upgrade();
      const first = await caBundle();
      expect(first.length).toBeGreaterThan(100);
      expect(await secretCa()).toBe(first);
      await upgrade();
      expect(await caBundle()).toBe(first);
      expect(await secretCa()).toBe(first);
      const jobs = (await kubectlRun(['get', 'jobs', '-n', namespace, '-o', 'name'])).trim().split('\n').sort();
      // Each revision has a Job of its own (the streams are made again); Helm removes the previous one.
      expect(jobs).toEqual([`job.batch/${release}-streams-3`]);
    }, 120_000);

    it('gives volume exactly the Kubernetes calls its code makes', async () => {
      const account = `${release}-volume`;
      const code = await kubeAccessOfCode(['services/volume/src', 'libs/kube/src/volume-copies'], project);
      expect(code.map(describeAccess).sort()).toEqual(
        [
          'create persistentvolumeclaims',
          'create persistentvolumes',
          'delete persistentvolumeclaims',
          'delete persistentvolumes',
          'get persistentvolumeclaims',
          'get persistentvolumes',
          'list persistentvolumeclaims',
        ]
          .map((a) => (a.includes('claims') ? `${a} in ${project}` : a))
          .sort(),
      );
      for (const access of code)
        expect({ access: describeAccess(access), allowed: await can(account, access) }).toEqual({ access: describeAccess(access), allowed: true });
      for (const access of [
        { verb: 'update', group: '', resource: 'persistentvolumes' },
        { verb: 'get', group: '', resource: 'secrets', namespace: namespace },
        { verb: 'create', group: '', resource: 'pods', namespace: project },
        { verb: 'get', group: 'apps', resource: 'deployments', namespace: project },
      ]) {
        expect({ access: describeAccess(access), allowed: await can(account, access) }).toEqual({ access: describeAccess(access), allowed: false });
      }
    });

    it('gives workload-admission exactly the Kubernetes calls its code makes: the copies, and reading the workload kinds it admits', async () => {
      const account = `${release}-workload-admission`;
      const code = await kubeAccessOfCode(['services/workload-admission/src', 'libs/kube/src/volume-copies'], project);
      expect(code.length).toBeGreaterThan(20);
      for (const access of code)
        expect({ access: describeAccess(access), allowed: await can(account, access) }).toEqual({ access: describeAccess(access), allowed: true });
      for (const access of [
        { verb: 'create', group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' },
        { verb: 'update', group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' },
        { verb: 'patch', group: 'apps', resource: 'deployments', namespace: project },
        { verb: 'delete', group: '', resource: 'pods', namespace: project },
        { verb: 'list', group: '', resource: 'persistentvolumes' },
        { verb: 'get', group: '', resource: 'secrets', namespace: project },
        { verb: 'get', group: 'amlarc.azureml.com', resource: 'amljobs', namespace: project },
      ]) {
        expect({ access: describeAccess(access), allowed: await can(account, access) }).toEqual({ access: describeAccess(access), allowed: false });
      }
    });

    it('gives authz, sharing, audit, the gateway and the streams Job no Kubernetes access at all (their code makes no call)', async () => {
      for (const service of ['authz', 'sharing', 'audit', 'gateway']) {
        const sources = await sourcesUnder(join(repoRoot(), 'services', service, 'src'));
        const texts = await Promise.all(sources.map((f) => readFile(f, 'utf8')));
        expect({ service, importsKube: texts.some((t) => t.includes("from '@dv/kube'") || t.includes("from '@kubernetes/client-node'")) }).toEqual({
          service,
          importsKube: false,
        });
      }
      for (const account of ['authz', 'sharing', 'audit', 'gateway', 'streams'].map((s) => `${release}-${s}`)) {
        for (const access of [
          { verb: 'get', group: '', resource: 'persistentvolumes' },
          { verb: 'get', group: '', resource: 'persistentvolumeclaims', namespace: project },
          { verb: 'list', group: '', resource: 'pods', namespace: project },
          { verb: 'get', group: '', resource: 'secrets', namespace: namespace },
        ]) {
          expect({ account, access: describeAccess(access), allowed: await can(account, access) }).toEqual({
            account,
            access: describeAccess(access),
            allowed: false,
          });
        }
      }
    });
  });
});

/**
 * The Kubernetes access the code under these folders needs, read from its calls: CoreV1Api methods
 * (`.core.readPersistentVolume(`), and the generic object client (`.objects.read` / `.objects.list`)
 * on every kind the webhook admits (files/webhook-rules.yaml, kept equal to the kinds table by
 * webhook-configuration.spec.ts) but AmlJob, which is always refused and so never looked up.
 * webhook-registration.ts is left out: it runs only when ADMISSION_WEBHOOK_REGISTER_AS is set (the
 * local run and tests), which the chart never sets (the render test checks).
 */
async function kubeAccessOfCode(folders: string[], projectNamespace: string): Promise<Access[]> {
  const files = (await Promise.all(folders.map((f) => sourcesUnder(join(repoRoot(), f))))).flat();
  const found = new Map<string, Access>();
  const add = (a: Access): void => void found.set(describeAccess(a), a);
  for (const file of files) {
    if (relative(repoRoot(), file) === 'services/workload-admission/src/webhook/webhook-registration.ts') continue;
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/\.core\.(\w+)\(/g)) {
      const access = coreCallAccess(match[1] ?? '');
      add({ verb: access.verb, group: '', resource: access.resource, ...(access.namespaced ? { namespace: projectNamespace } : {}) });
    }
    expect({ file, other: [...text.matchAll(/\.(admission|custom|apps|batch)\.(\w+)\(/g)].map((m) => m[0]) }).toEqual({ file, other: [] });
    const objectCalls = [...text.matchAll(/\.objects\.(\w+)\b/g)].map((m) => m[1] ?? '');
    if (objectCalls.length === 0) continue;
    expect(objectCalls.filter((c) => c !== 'read' && c !== 'list')).toEqual([]);
    const rules = parse(await readFile(join(CHART_DIR, 'files', 'webhook-rules.yaml'), 'utf8')) as { apiGroups: string[]; resources: string[] }[];
    for (const rule of rules.filter((r) => !r.apiGroups.includes('amlarc.azureml.com'))) {
      for (const group of rule.apiGroups) {
        for (const resource of rule.resources) {
          for (const call of objectCalls) add({ verb: call === 'read' ? 'get' : 'list', group, resource, namespace: projectNamespace });
        }
      }
    }
  }
  return [...found.values()];
}
