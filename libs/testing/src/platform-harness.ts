import {
  AuthzRpc,
  type EventDefinition,
  type IdentityInput,
  type NatsClientName,
  OrgEvents,
  type Revision,
  type RpcReply,
  type ScopeType,
  type SubjectType,
  isNatsClientName,
} from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { type ServiceMode } from './node-entry';
import { SecuredNats } from './secured-nats';
import { type ServiceProcess, startServiceProcess } from './service-process';

/** The bootstrap System administrator of every harness. */
export const HARNESS_ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const ORG_ACTOR = { id: 'platform-publisher', type: 'system' } as const;

/**
 * The small org every system test shares:
 *   system ─ t1 ─┬─ c1 ─┬─ d1 ─┬─ p1 (dv-p1)
 *                │      │      └─ p2 (dv-p2)
 *                │      └─ d2 ─── p3 (dv-p3)
 *                └─ c2 ─── d3 ─── p4 (dv-p4)
 *   and a second tenant: system ─ t2 ─ c9 ─ d9 ─ p9 (dv-p9)
 */
export const HARNESS_ORG = {
  tenants: [
    ['t1', 'Tenant one'],
    ['t2', 'Tenant two'],
  ],
  clusters: [
    ['c1', 't1'],
    ['c2', 't1'],
    ['c9', 't2'],
  ],
  departments: [
    ['d1', 'c1'],
    ['d2', 'c1'],
    ['d3', 'c2'],
    ['d9', 'c9'],
  ],
  projects: [
    ['p1', 'd1', 'c1'],
    ['p2', 'd1', 'c1'],
    ['p3', 'd2', 'c1'],
    ['p4', 'd3', 'c2'],
    ['p9', 'd9', 'c9'],
  ],
} as const;

export interface HarnessService {
  /** Folder under services/ */
  name: string;
  env?: Record<string, string>;
}

/** The NATS user a service folder runs as: the service's own (deploy/nats/nats-server.conf). */
export function natsUserOf(service: string): NatsClientName {
  if (!isNatsClientName(service)) throw new Error(`services/${service} has no NATS user in the permission manifest (libs/contracts/src/permissions)`);
  return service;
}

/**
 * A platform for system tests: its own nats-server with the platform's users and permissions on
 * (`SecuredNats`: streams made by the provisioner), the given services as real processes, each as
 * its own NATS user (authz always first, with `root` as bootstrap administrator), the harness org
 * published as the platform publisher, and a client that calls as the `operator` user.
 * Every run uses its own MongoDB database per service.
 */
export class PlatformHarness {
  nats!: SecuredNats;
  /** The `operator` user: calls every RPC, follows and inspects the streams; publishes nothing. */
  nc!: NatsConnection;
  client!: RpcClient;
  /** Org and workload events, as the `platform-publisher` user. */
  publisher!: EventPublisher;
  readonly processes = new Map<string, ServiceProcess[]>();
  platformRevision = 0;
  private readonly suffix = randomUUID().slice(0, 8);

  /** The database a service of this harness uses (for tests that read its state as a fence). */
  databaseOf(service: string): string {
    return `${service.replace(/-/g, '_')}_test_${this.suffix}`;
  }

  /**
   * `serviceMode`: how the services run (DV_SERVICE_MODE when not given; `dist` needs their build, see buildProjects).
   * `startTimeoutMs`: how long a service may take to say it is ready (30 s by default).
   */
  constructor(readonly options: { serviceMode?: ServiceMode; startTimeoutMs?: number } = {}) {}

  async start(services: readonly HarnessService[], extraEnv: Record<string, string> = {}): Promise<void> {
    this.nats = await this.startNats();
    this.nc = await this.nats.connectAs('operator', { name: 'platform-harness' });
    this.publisher = new EventPublisher(await this.nats.connectAs('platform-publisher'), 'dv/platform-test');
    this.client = new RpcClient(this.nc, { timeoutMs: 15_000 });
    await this.publishOrg();
    for (const service of [{ name: 'authz', env: { AUTHZ_BOOTSTRAP_ADMINS: 'user:root' } }, ...services]) await this.addReplica(service, extraEnv);
  }

  /** The harness's own nats-server; a fault test overrides it with one it can restart (`SecuredNats.start({ server })`). */
  protected startNats(): Promise<SecuredNats> {
    return SecuredNats.start();
  }

  async addReplica(service: HarnessService, extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const mongoUrl = process.env['MONGO_URL'];
    if (!mongoUrl) throw new Error('MONGO_URL is not set: run through the workspace jest config, which starts the test bed');
    const proc = await startServiceProcess({
      service: service.name,
      ...(this.options.serviceMode !== undefined ? { mode: this.options.serviceMode } : {}),
      ...(this.options.startTimeoutMs !== undefined ? { timeoutMs: this.options.startTimeoutMs } : {}),
      env: {
        ...this.nats.serviceEnv(natsUserOf(service.name)),
        MONGO_URL: mongoUrl,
        MONGO_DB: this.databaseOf(service.name),
        LOG_LEVEL: 'info',
        ...(process.env['KUBECONFIG'] ? { KUBECONFIG: process.env['KUBECONFIG'] } : {}),
        ...extraEnv,
        ...service.env,
      },
    });
    this.processes.set(service.name, [...(this.processes.get(service.name) ?? []), proc]);
    return proc;
  }

  async stop(): Promise<void> {
    for (const procs of [...this.processes.values()].reverse()) for (const p of procs) await p.stop();
    if (this.nats) await this.nats.stop();
  }

  /** A connection as another client of the platform (a service's user to publish its events, the provisioner…). */
  connectAs(client: NatsClientName): Promise<NatsConnection> {
    return this.nats.connectAs(client);
  }

  async publishOrg(): Promise<void> {
    for (const [id, name] of HARNESS_ORG.tenants) await this.org(OrgEvents.tenant.created, { tenantId: id, name }, id);
    for (const [id, tenantId] of HARNESS_ORG.clusters) await this.org(OrgEvents.cluster.created, { clusterId: id, tenantId, name: `Cluster ${id}` }, id);
    for (const [id, clusterId] of HARNESS_ORG.departments)
      await this.org(OrgEvents.department.created, { departmentId: id, clusterId, name: `Department ${id}` }, id);
    for (const [id, departmentId, clusterId] of HARNESS_ORG.projects) {
      await this.org(OrgEvents.project.created, { projectId: id, departmentId, clusterId, name: `Project ${id}`, namespace: this.namespaceOf(id) }, id);
    }
  }

  /** Project namespaces carry the run's suffix: the kube-apiserver is shared by every test file. */
  namespaceOf(projectId: string): string {
    return `dv-${projectId}-${this.suffix}`;
  }

  async org(def: EventDefinition, data: unknown, subject: string): Promise<number> {
    const { seq } = await this.publisher.publish(def, data, { actor: ORG_ACTOR, subject });
    this.platformRevision = Math.max(this.platformRevision, seq);
    return seq;
  }

  orgRevision(): Revision {
    return { platform: this.platformRevision };
  }

  async grant(
    subjectType: SubjectType,
    subjectId: string,
    roleId: number,
    scopeType: ScopeType,
    scopeId: string,
  ): Promise<RpcReply<typeof AuthzRpc.createAccessRule>> {
    return this.client.call(AuthzRpc.createAccessRule, { subjectType, subjectId, roleId, scopeType, scopeId }, { identity: HARNESS_ROOT });
  }
}
