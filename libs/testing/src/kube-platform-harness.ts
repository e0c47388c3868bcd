import { type DataVolume, DvError, type Revision, STREAMS, SharingRpc, VolumeRpc } from '@dv/contracts';
import { type HarnessService, HARNESS_ROOT, PlatformHarness } from './platform-harness';
import { createBoundPvc } from './bound-pvc';
import { freePort } from './free-port';
import { KUBE_WEBHOOK_CLIENT_NAME } from './start-kube';
import { createCertificateAuthority, issueServingCertificate } from './tls-certificates';
import { type ServiceProcess } from './service-process';
import { waitFor } from './wait-for';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A variable the test bed's global setup exports (KUBECONFIG, MONGO_URL, …). */
export function testBedEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through the workspace jest config, which starts the test bed`);
  return value;
}

/**
 * The whole platform with Kubernetes: authz, sharing, volume and workload admission (and any other
 * services asked for, e.g. audit) as real processes on their own nats-server, the bed's
 * kube-apiserver with the harness org's namespaces (p1, p2, p3) labelled for this run, and the
 * admission webhook registered for exactly those namespaces (the kube-apiserver is shared by every
 * test file running at the same time).
 */
export class KubePlatformHarness extends PlatformHarness {
  readonly run = randomUUID().slice(0, 8);
  readonly webhookName = `dv-admission-${this.run}`;
  core!: CoreV1Api;
  rbac!: RbacAuthorizationV1Api;
  admin!: KubeConfig;
  /** The webhook's HTTPS port (0 without the webhook). */
  webhookPort = 0;
  /** The webhook's CA (PEM), to call it directly. */
  webhookCaPem = '';
  /** The API server's client certificate towards webhooks (PEM), for tests that play the API server. */
  apiServerClient = { cert: '', key: '' };
  private dir = '';
  private readonly createdPvs: string[] = [];

  /** `env`: set in every service's environment (e.g. where to export spans). */
  async startPlatform(options: {
    webhook: boolean;
    admissionEnv?: Record<string, string>;
    alsoRun?: readonly HarnessService[];
    env?: Record<string, string>;
  }): Promise<void> {
    this.admin = new KubeConfig();
    this.admin.loadFromFile(testBedEnv('KUBECONFIG'));
    this.core = this.admin.makeApiClient(CoreV1Api);
    this.rbac = this.admin.makeApiClient(RbacAuthorizationV1Api);
    this.dir = await mkdtemp(join(tmpdir(), 'dv-admission-test-'));
    const admissionEnv: Record<string, string> = { ADMISSION_CALL_TIMEOUT_MS: '5000', ...options.admissionEnv };
    if (options.webhook) {
      const ca = await createCertificateAuthority(this.dir, 'dv-admission-test-ca');
      const cert = await issueServingCertificate(ca, this.dir, { name: 'webhook', ipAddresses: ['127.0.0.1'] });
      const caFile = join(this.dir, 'ca.pem');
      const certFile = join(this.dir, 'webhook.pem');
      const keyFile = join(this.dir, 'webhook-key.pem');
      await writeFile(caFile, ca.certPem);
      this.webhookCaPem = ca.certPem;
      await writeFile(certFile, cert.certPem);
      await writeFile(keyFile, cert.keyPem);
      this.webhookPort = await freePort();
      // The webhook answers only the API server: the client certificate the bed's kube-apiserver presents.
      const clientCaFile = testBedEnv('KUBE_WEBHOOK_CLIENT_CA_FILE');
      this.apiServerClient = {
        cert: await readFile(testBedEnv('KUBE_WEBHOOK_CLIENT_CERT_FILE'), 'utf8'),
        key: await readFile(testBedEnv('KUBE_WEBHOOK_CLIENT_KEY_FILE'), 'utf8'),
      };
      Object.assign(admissionEnv, {
        ADMISSION_WEBHOOK_PORT: String(this.webhookPort),
        ADMISSION_WEBHOOK_HOST: '127.0.0.1',
        ADMISSION_WEBHOOK_CERT_FILE: certFile,
        ADMISSION_WEBHOOK_KEY_FILE: keyFile,
        ADMISSION_WEBHOOK_CA_FILE: caFile,
        ADMISSION_WEBHOOK_CLIENT_CA_FILE: clientCaFile,
        ADMISSION_WEBHOOK_CLIENT_NAMES: KUBE_WEBHOOK_CLIENT_NAME,
        ADMISSION_WEBHOOK_REGISTER_AS: this.webhookName,
        ADMISSION_WEBHOOK_NAMESPACE_LABEL: `dv-admission-run=${this.run}`,
      });
    }
    await this.start(
      [
        { name: 'sharing' },
        { name: 'volume', env: { VOLUME_RECONCILE_INTERVAL_MS: '300', VOLUME_RESYNC_INTERVAL_MS: '1000', VOLUME_USAGE_CHECK: 'required' } },
        { name: 'workload-admission', env: admissionEnv },
        ...(options.alsoRun ?? []),
      ],
      options.env,
    );
    for (const projectId of ['p1', 'p2', 'p3']) {
      await this.core.createNamespace({
        body: { metadata: { name: this.namespaceOf(projectId), labels: { 'dv.platform/project-id': projectId, 'dv-admission-run': this.run } } },
      });
    }
  }

  /**
   * The webhook's port is chosen free before the service binds it, so another test's process may take
   * it meanwhile (EADDRINUSE): the admission service is then started again on another free port.
   */
  override async addReplica(service: HarnessService, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await super.addReplica(service, extraEnv);
      } catch (error) {
        const port = service.env?.['ADMISSION_WEBHOOK_PORT'];
        if (port === undefined || attempt >= 3 || !(error instanceof Error) || !error.message.includes('EADDRINUSE')) throw error;
        this.webhookPort = await freePort();
        service = { ...service, env: { ...service.env, ADMISSION_WEBHOOK_PORT: String(this.webhookPort) } };
      }
    }
  }

  async stopPlatform(): Promise<void> {
    await this.stop();
    await this.admin
      .makeApiClient(KubernetesObjectApi)
      .delete({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: this.webhookName } })
      .catch(() => undefined);
    for (const projectId of ['p1', 'p2', 'p3']) await this.core.deleteNamespace({ name: this.namespaceOf(projectId) }).catch(() => undefined);
    const ours = await this.core.listPersistentVolume({ labelSelector: 'dv.platform/volume-id' }).catch(() => undefined);
    for (const pv of ours?.items ?? []) {
      if (pv.spec?.claimRef?.namespace?.endsWith(this.namespaceOf('').slice(-8)))
        await this.core.deletePersistentVolume({ name: pv.metadata?.name ?? '' }).catch(() => undefined);
    }
    for (const name of this.createdPvs) await this.core.deletePersistentVolume({ name }).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Lets these Kubernetes users do anything (Kubernetes RBAC is not what is tested: our webhook is). */
  async kubeUsers(users: readonly string[]): Promise<void> {
    const name = `dv-admission-users-${this.run}`;
    await this.rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: users.map((u) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: u })),
      },
    });
  }

  /** A generic object client acting as this Kubernetes user (impersonation by the bed's admin). */
  as(user: string): KubernetesObjectApi {
    const kc = new KubeConfig();
    kc.loadFromFile(testBedEnv('KUBECONFIG'));
    const current = kc.getCurrentUser();
    if (!current) throw new Error('the bed kubeconfig has no user');
    kc.users = kc.users.map((u) => (u.name === current.name ? { ...u, impersonateUser: user } : u));
    return kc.makeApiClient(KubernetesObjectApi);
  }

  /** An origin PVC bound to an NFS PV in the namespace (removed at the end). */
  async originPvc(namespace: string, pvcName: string, options: { bound?: boolean } = {}): Promise<void> {
    const pvName = `origin-${pvcName}-${this.run}`;
    await createBoundPvc(this.core, { namespace, pvcName, pvName, ...options });
    this.createdPvs.push(pvName);
  }

  /** A data volume of project p1 from a fresh Bound PVC, once Ready. */
  async readyVolume(name: string, useOriginalVolume = false): Promise<DataVolume> {
    await this.originPvc(this.namespaceOf('p1'), name);
    const { volume } = await this.client.call(VolumeRpc.create, { name, projectId: 'p1', originPvcName: name, useOriginalVolume }, { identity: HARNESS_ROOT });
    return waitFor(
      async () => {
        const v = await this.client.call(VolumeRpc.get, { id: volume.id }, { identity: HARNESS_ROOT });
        return v.status.phase === 'Ready' ? v : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `data volume ${name} to be Ready` },
    );
  }

  /**
   * Waits until the project's UsableInProject list, among the volumes whose name starts with
   * `namePrefix`, holds exactly `ids` (what a test shared with it); returns the ids it listed, sorted.
   */
  async usableInProjectBecomes(projectId: string, namePrefix: string, ids: readonly string[], timeoutMs = 15_000): Promise<string[]> {
    const expected = [...ids].sort();
    return waitFor(
      async () => {
        const list = await this.client.call(
          VolumeRpc.list,
          { requestType: 'UsableInProject', usableInProjectId: projectId, filterBy: [`name=^${namePrefix}`], limit: 500, offset: 0 },
          { identity: HARNESS_ROOT },
        );
        const listed = list.datavolumes.map((v) => v.id).sort();
        return JSON.stringify(listed) === JSON.stringify(expected) ? listed : undefined;
      },
      { timeoutMs, intervalMs: 250, what: `${projectId}'s usable volumes to be the shared ones` },
    );
  }

  /** Waits until the admission service's durable consumers (both streams) have handled every event published so far. */
  async settled(): Promise<void> {
    const jsm = await jetstreamManager(this.nc);
    await waitFor(
      async () => {
        for (const stream of [STREAMS.domain.name, STREAMS.platform.name]) {
          const info = await jsm.consumers.info(stream, 'workload-admission');
          if (info.num_pending > 0 || info.num_ack_pending > 0) return undefined;
        }
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 50, what: "the admission service's consumers to handle every event" },
    );
  }

  /** Shares (or unshares) once the sharing service knows the volume is Ready; returns the revision. */
  async share(
    volumeId: string,
    change: {
      add?: { scopeType: 'cluster' | 'department' | 'project'; scopeId: string }[];
      remove?: { scopeType: 'cluster' | 'department' | 'project'; scopeId: string }[];
    },
  ): Promise<Revision> {
    const reply = await waitFor(
      async () => {
        try {
          return await this.client.call(SharingRpc.update, { volumeId, add: change.add ?? [], remove: change.remove ?? [] }, { identity: HARNESS_ROOT });
        } catch (error) {
          if (error instanceof DvError && (error.code === 'PRECONDITION_FAILED' || error.code === 'NOT_FOUND')) return undefined;
          throw error;
        }
      },
      { timeoutMs: 20_000, intervalMs: 200, what: `sharing of ${volumeId}` },
    );
    return reply.revision;
  }
}
