import { AuthzRpc, type EventDefinition, type EventEnvelope, type IdentityInput, type NatsClientName, OrgEvents, type Revision, STREAMS } from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { SecuredNats, type ServiceProcess, type TestNatsUser, createBoundPvc, startServiceProcess, writeKubeconfig } from '@dv/testing';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { jetstream } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

export const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const ORG_ACTOR = { id: 'platform-publisher', type: 'system' } as const;

/** A user of these tests only: events of a type no one acts on (a backlog for the followers), which no platform client may publish. */
export const NOISE_PUBLISHER: TestNatsUser = { user: 'volume-test-noise', why: 'publishes events of a type no one acts on', publish: ['dv.evt.test-noise.v1'] };

export interface PublishedEvent {
  type: string;
  id: string;
  volumeId: string | undefined;
  phase: string | undefined;
}

/**
 * A small org on its own nats-server, a real authz process, and the volume service as a real
 * process that talks to the bed's kube-apiserver as its own service account (RBAC: PVs, and PVCs
 * read/delete cluster-wide; PVC create only where a namespace grants it):
 *   system ─ t1 ─ c1 ─ d1 ─┬─ p1 (namespace nsA)
 *                          └─ p2 (namespace nsB)
 */
export class VolumeHarness {
  nats!: SecuredNats;
  /** The operator: calls every RPC, reads the streams. */
  nc!: NatsConnection;
  /** NOISE_PUBLISHER. */
  noise!: NatsConnection;
  client!: RpcClient;
  publisher!: EventPublisher;
  authz!: ServiceProcess;
  sharing!: ServiceProcess;
  volume: ServiceProcess | undefined;
  core!: CoreV1Api;
  rbac!: RbacAuthorizationV1Api;
  platformRevision = 0;
  readonly suffix = randomUUID().slice(0, 6);
  readonly nsA = `dv-vt-a-${this.suffix}`;
  readonly nsB = `dv-vt-b-${this.suffix}`;
  readonly systemNs = `dv-vt-sys-${this.suffix}`;
  readonly authzDb = `authz_vt_${this.suffix}`;
  readonly volumeDb = `volume_vt_${this.suffix}`;
  private dir = '';
  private kubeconfigPath = '';
  readonly createdPvs: string[] = [];

  /** Extra environment of every volume process this harness starts (e.g. a smaller reconcile batch). */
  constructor(private readonly volumeOptions: Record<string, string> = {}) {}

  async start(): Promise<void> {
    const mongoUrl = env('MONGO_URL');
    const admin = new KubeConfig();
    admin.loadFromFile(env('KUBECONFIG'));
    this.core = admin.makeApiClient(CoreV1Api);
    this.rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    for (const ns of [this.nsA, this.nsB, this.systemNs]) await this.core.createNamespace({ body: { metadata: { name: ns } } });
    this.dir = await mkdtemp(join(tmpdir(), 'dv-volume-test-'));
    this.kubeconfigPath = join(this.dir, 'kubeconfig');
    await this.serviceAccountKubeconfig(admin);
    await this.grantPvcCreate(this.nsA);

    // Users and permissions on: each service as its user, the test as the operator (calls, reads) and the platform publisher (org events).
    this.nats = await SecuredNats.start({ testUsers: [NOISE_PUBLISHER] });
    this.nc = await this.nats.connectAs('operator', { name: 'volume-test' });
    this.noise = await this.nats.connectAs(NOISE_PUBLISHER);
    this.publisher = new EventPublisher(await this.nats.connectAs('platform-publisher'), 'dv/platform-test');
    this.client = new RpcClient(this.nc, { timeoutMs: 10_000 });
    await this.org(OrgEvents.tenant.created, { tenantId: 't1', name: 'Tenant one' }, 't1');
    await this.org(OrgEvents.cluster.created, { clusterId: 'c1', tenantId: 't1', name: 'Cluster one' }, 'c1');
    await this.org(OrgEvents.department.created, { departmentId: 'd1', clusterId: 'c1', name: 'Department one' }, 'd1');
    await this.org(OrgEvents.project.created, { projectId: 'p1', departmentId: 'd1', clusterId: 'c1', name: 'project-a', namespace: this.nsA }, 'p1');
    await this.org(OrgEvents.project.created, { projectId: 'p2', departmentId: 'd1', clusterId: 'c1', name: 'project-b', namespace: this.nsB }, 'p2');

    this.authz = await startServiceProcess({
      service: 'authz',
      env: { ...this.nats.serviceEnv('authz'), MONGO_URL: mongoUrl, MONGO_DB: this.authzDb, AUTHZ_BOOTSTRAP_ADMINS: 'user:root' },
    });
    this.sharing = await startServiceProcess({
      service: 'sharing',
      env: { ...this.nats.serviceEnv('sharing'), MONGO_URL: mongoUrl, MONGO_DB: `${this.volumeDb}_sharing` },
    });
    this.volume = await this.startVolume();
  }

  volumeEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...this.nats.serviceEnv('volume'),
      MONGO_URL: env('MONGO_URL'),
      MONGO_DB: this.volumeDb,
      KUBECONFIG: this.kubeconfigPath,
      VOLUME_RECONCILE_INTERVAL_MS: '300',
      VOLUME_RECONCILE_MAX_BACKOFF_MS: '1000',
      VOLUME_RESYNC_INTERVAL_MS: '2000',
      // These tests run no workload admission: deletes go ahead when nobody answers the usage question.
      VOLUME_USAGE_CHECK: 'advisory',
      ...this.volumeOptions,
      ...extra,
    };
  }

  async startVolume(extra: Record<string, string> = {}): Promise<ServiceProcess> {
    return startServiceProcess({ service: 'volume', env: this.volumeEnv(extra), timeoutMs: 60_000 });
  }

  /** A connection as another client of the platform (a service the test plays). */
  connectAs(client: NatsClientName): Promise<NatsConnection> {
    return this.nats.connectAs(client);
  }

  async stop(): Promise<void> {
    await this.volume?.stop();
    await this.sharing?.stop();
    await this.authz?.stop();
    await this.nats?.stop();
    for (const name of this.createdPvs) await this.core.deletePersistentVolume({ name }).catch(() => undefined);
    const copies = await this.core.listPersistentVolume({ labelSelector: 'app.kubernetes.io/managed-by=dv-volume' }).catch(() => undefined);
    for (const pv of copies?.items ?? []) {
      if (pv.spec?.claimRef?.namespace?.endsWith(this.suffix)) await this.core.deletePersistentVolume({ name: pv.metadata?.name ?? '' }).catch(() => undefined);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The volume service's own identity in the cluster: a service account with least privilege. */
  private async serviceAccountKubeconfig(admin: KubeConfig): Promise<void> {
    const name = `dv-volume-${this.suffix}`;
    await this.core.createNamespacedServiceAccount({ namespace: this.systemNs, body: { metadata: { name: 'volume' } } });
    await this.rbac.createClusterRole({
      body: {
        metadata: { name },
        rules: [
          { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'create', 'delete'] },
          { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'delete'] },
        ],
      },
    });
    await this.rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ kind: 'ServiceAccount', name: 'volume', namespace: this.systemNs }],
      },
    });
    const tokenRequest = await this.core.createNamespacedServiceAccountToken({
      name: 'volume',
      namespace: this.systemNs,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const cluster = admin.getCurrentCluster();
    if (!cluster?.caData || !tokenRequest.status?.token) throw new Error('no cluster CA or service account token');
    await writeKubeconfig(this.kubeconfigPath, {
      server: cluster.server,
      caPem: Buffer.from(cluster.caData, 'base64').toString('utf8'),
      token: tokenRequest.status.token,
      user: 'volume',
    });
  }

  /** Lets the volume service create PVCs in a namespace (a Role and RoleBinding there). */
  async grantPvcCreate(namespace: string): Promise<void> {
    await this.rbac.createNamespacedRole({
      namespace,
      body: { metadata: { name: 'dv-volume' }, rules: [{ apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['create'] }] },
    });
    await this.rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: { name: 'dv-volume' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'dv-volume' },
        subjects: [{ kind: 'ServiceAccount', name: 'volume', namespace: this.systemNs }],
      },
    });
  }

  /** A PV with an NFS source and a PVC bound to it in the namespace, marked Bound as a controller would. */
  async originPvc(namespace: string, pvcName: string, options: { bound?: boolean; withPv?: boolean } = {}): Promise<string> {
    const pvName = `origin-${pvcName}-${this.suffix}`;
    await createBoundPvc(this.core, { namespace, pvcName, pvName, ...options });
    if (options.withPv !== false) this.createdPvs.push(pvName);
    return pvName;
  }

  async org(def: EventDefinition, data: unknown, subject: string): Promise<number> {
    const { seq } = await this.publisher.publish(def, data, { actor: ORG_ACTOR, subject });
    this.platformRevision = Math.max(this.platformRevision, seq);
    return seq;
  }

  async publishProject(projectId: string, name: string, namespace: string): Promise<void> {
    await this.org(OrgEvents.project.created, { projectId, departmentId: 'd1', clusterId: 'c1', name, namespace }, projectId);
  }

  async deleteProject(projectId: string, namespace: string): Promise<void> {
    await this.org(OrgEvents.project.deleted, { projectId, departmentId: 'd1', clusterId: 'c1', namespace }, projectId);
  }

  /** Grants a role and returns the revision a check must have seen. */
  async grant(subjectId: string, roleId: number, scopeType: 'system' | 'tenant' | 'cluster' | 'department' | 'project', scopeId: string): Promise<Revision> {
    const { revision } = await this.client.call(
      AuthzRpc.createAccessRule,
      { subjectType: 'user', subjectId, roleId, scopeType, scopeId },
      { identity: ROOT, timeoutMs: 10_000 },
    );
    return { ...revision, platform: this.platformRevision };
  }

  /** Every volume event in the domain stream so far (refusals aside: they are about no volume), in order. */
  async volumeEvents(): Promise<PublishedEvent[]> {
    return (await this.domainEvents('dv.evt.volume.>'))
      .filter((e) => e.type !== 'dv.evt.volume.refused.v1')
      .map((envelope) => {
        const data = envelope.data as { volume?: { id?: string; status?: { phase?: string } } };
        return { type: envelope.type, id: envelope.id, volumeId: data.volume?.id, phase: data.volume?.status?.phase };
      });
  }

  /** Every event in the domain stream so far whose subject matches, in order. */
  async domainEvents(subjectFilter: string): Promise<EventEnvelope[]> {
    const js = jetstream(this.nc);
    // One filter as a string: the named consumer-create subject, the one the operator user may use.
    const consumer = await js.consumers.get(STREAMS.domain.name, { filter_subjects: subjectFilter });
    const pending = (await consumer.info()).num_pending;
    const out: EventEnvelope[] = [];
    if (pending === 0) return out;
    const messages = await consumer.fetch({ max_messages: pending, expires: 5000 });
    for await (const m of messages) {
      out.push(m.json<EventEnvelope>());
      if (out.length >= pending) break;
    }
    return out;
  }
}

export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through the workspace jest config, which starts the test bed`);
  return value;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
