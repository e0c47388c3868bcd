import { AuthzRpc, type EventDefinition, type IdentityInput, OrgEvents, type Revision } from '@dv/contracts';
import { EventPublisher, RpcClient } from '@dv/messaging';
import { SecuredNats, type ServiceProcess, startServiceProcess } from '@dv/testing';
import { type NatsConnection } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';

export const ROOT: IdentityInput = { subjectId: 'root', subjectType: 'user' };
const ORG_ACTOR = { id: 'platform-publisher', type: 'system' } as const;

/**
 * A small org on its own nats-server (users and permissions on: authz runs as its user, the test
 * calls as the operator and publishes the org as the platform publisher), and authz replicas as
 * real processes:
 *   system ─ t1 ─┬─ c1 ─┬─ d1 ─┬─ p1
 *                │      │      └─ p2
 *                │      └─ d2 ─── p3
 *                └─ c2 ─── d3 ─── p4
 */
export class AuthzHarness {
  nats!: SecuredNats;
  nc!: NatsConnection;
  client!: RpcClient;
  publisher!: EventPublisher;
  replicas: ServiceProcess[] = [];
  platformRevision = 0;
  readonly db = `authz_test_${randomUUID().slice(0, 8)}`;

  async start(replicas: number): Promise<void> {
    const mongoUrl = process.env['MONGO_URL'];
    if (!mongoUrl) throw new Error('MONGO_URL is not set: run through the workspace jest config, which starts the test bed');
    this.nats = await SecuredNats.start();
    this.nc = await this.nats.connectAs('operator', { name: 'authz-test' });
    this.publisher = new EventPublisher(await this.nats.connectAs('platform-publisher'), 'dv/platform-test');
    this.client = new RpcClient(this.nc, { timeoutMs: 10_000 });
    await this.publishOrg();
    for (let i = 0; i < replicas; i++) await this.addReplica(mongoUrl);
  }

  async addReplica(mongoUrl = process.env['MONGO_URL'] ?? ''): Promise<ServiceProcess> {
    const replica = await startServiceProcess({
      service: 'authz',
      env: { ...this.nats.serviceEnv('authz'), MONGO_URL: mongoUrl, MONGO_DB: this.db, AUTHZ_BOOTSTRAP_ADMINS: 'user:root', LOG_LEVEL: 'info' },
    });
    this.replicas.push(replica);
    return replica;
  }

  async stop(): Promise<void> {
    for (const r of this.replicas) await r.stop();
    await this.nats.stop();
  }

  private async org(def: EventDefinition, data: unknown, subject: string): Promise<number> {
    const { seq } = await this.publisher.publish(def, data, { actor: ORG_ACTOR, subject });
    this.platformRevision = Math.max(this.platformRevision, seq);
    return seq;
  }

  async publishOrg(): Promise<void> {
    await this.org(OrgEvents.tenant.created, { tenantId: 't1', name: 'Tenant one' }, 't1');
    for (const [c, name] of [
      ['c1', 'Cluster one'],
      ['c2', 'Cluster two'],
    ] as const)
      await this.org(OrgEvents.cluster.created, { clusterId: c, tenantId: 't1', name }, c);
    for (const [d, c] of [
      ['d1', 'c1'],
      ['d2', 'c1'],
      ['d3', 'c2'],
    ] as const)
      await this.org(OrgEvents.department.created, { departmentId: d, clusterId: c, name: `Department ${d}` }, d);
    for (const [p, d, c] of [
      ['p1', 'd1', 'c1'],
      ['p2', 'd1', 'c1'],
      ['p3', 'd2', 'c1'],
      ['p4', 'd3', 'c2'],
    ] as const) {
      await this.org(OrgEvents.project.created, { projectId: p, departmentId: d, clusterId: c, name: `Project ${p}`, namespace: `dv-${p}` }, p);
    }
  }

  async deleteDepartment(departmentId: string, clusterId: string): Promise<number> {
    return this.org(OrgEvents.department.deleted, { departmentId, clusterId }, departmentId);
  }

  /** Publishes created events for scopes (again); returns the last one's sequence. */
  async recreate(scopes: readonly (readonly ['department' | 'project', Record<string, string>])[]): Promise<number> {
    let seq = 0;
    for (const [type, data] of scopes) {
      const def = type === 'department' ? OrgEvents.department.created : OrgEvents.project.created;
      seq = await this.org(def, data, data[`${type}Id`] ?? '');
    }
    return seq;
  }

  /** The revision at which every replica has the org. */
  orgRevision(): Revision {
    return { platform: this.platformRevision };
  }

  async grant(
    subjectType: 'user' | 'group' | 'app' | 'service-account',
    subjectId: string,
    roleId: number,
    scopeType: 'system' | 'tenant' | 'cluster' | 'department' | 'project',
    scopeId: string,
  ) {
    return this.client.call(AuthzRpc.createAccessRule, { subjectType, subjectId, roleId, scopeType, scopeId }, { identity: ROOT });
  }
}

/** Every scope of the harness org, outermost first. */
export const ORG_SCOPES = [
  { scopeType: 'system', scopeId: 'system' },
  { scopeType: 'tenant', scopeId: 't1' },
  { scopeType: 'cluster', scopeId: 'c1' },
  { scopeType: 'cluster', scopeId: 'c2' },
  { scopeType: 'department', scopeId: 'd1' },
  { scopeType: 'department', scopeId: 'd2' },
  { scopeType: 'department', scopeId: 'd3' },
  { scopeType: 'project', scopeId: 'p1' },
  { scopeType: 'project', scopeId: 'p2' },
  { scopeType: 'project', scopeId: 'p3' },
  { scopeType: 'project', scopeId: 'p4' },
] as const;

/** Parent of each scope in the harness org. */
export const PARENT: Readonly<Record<string, string | null>> = {
  'system/system': null,
  'tenant/t1': 'system/system',
  'cluster/c1': 'tenant/t1',
  'cluster/c2': 'tenant/t1',
  'department/d1': 'cluster/c1',
  'department/d2': 'cluster/c1',
  'department/d3': 'cluster/c2',
  'project/p1': 'department/d1',
  'project/p2': 'department/d1',
  'project/p3': 'department/d2',
  'project/p4': 'department/d3',
};

export function isAtOrBelow(scope: string, ancestor: string): boolean {
  for (let s: string | null | undefined = scope; s; s = PARENT[s]) if (s === ancestor) return true;
  return false;
}
