// authz replicas as real processes on their own nats-server, with a small organization and seeded
// rules, for authz-nats.bench.ts.
import {
  ACTIONS,
  type AccessRule,
  AuthzEvents,
  AuthzRpc,
  HEADERS,
  type IdentityInput,
  OrgEvents,
  RESOURCE_TYPES,
  type ScopeRef,
  type ScopeType,
} from '@dv/contracts';
import { EventPublisher, RpcClient, connectNats, drainNats, ensureStreams } from '@dv/messaging';
import { type RunningNats, type ServiceProcess, repoRoot, startIsolatedNats, startServiceProcess } from '@dv/testing';
import { type Msg, type NatsConnection, headers as natsHeaders } from '@nats-io/nats-core';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { progress } from '../harness/report';
import { type Rng } from './org';

export const BENCH_ROOT: IdentityInput = { subjectId: 'bench-root', subjectType: 'user' };
/** The caller of the throughput checks: a service asking about users (as the other services do). */
export const BENCH_SERVICE: IdentityInput = { subjectId: 'bench-client', subjectType: 'service-account' };
const ORG_ACTOR = { id: 'platform-publisher', type: 'system' } as const;

export interface SmallOrgSize {
  clusters: number;
  departments: number;
  projects: number;
}

export const SMALL_ORG: SmallOrgSize = { clusters: 2, departments: 10, projects: 100 };

export interface ScopeMeta {
  name: string;
  clusterId: string | undefined;
  tenantId: string | undefined;
}

export interface SmallOrg {
  byType: Record<ScopeType, ScopeRef[]>;
  /** By `type/id`: what a rule document records about its scope. */
  meta: Map<string, ScopeMeta>;
  /** Stream sequence of the last org event. */
  platformRevision: number;
}

export class AuthzCluster {
  nats!: RunningNats;
  nc!: NatsConnection;
  client!: RpcClient;
  replicas: ServiceProcess[] = [];
  readonly db = `authz_bench_${randomUUID().slice(0, 8)}`;

  async startNats(): Promise<void> {
    this.nats = await startIsolatedNats({ open: "the benchmark keeps its baseline's setup (no users)" });
    this.nc = await connectNats({ url: this.nats.url, name: 'bench-authz-client' });
    await ensureStreams(this.nc);
    this.client = new RpcClient(this.nc, { timeoutMs: 30_000 });
  }

  /** With BENCH_AUTHZ_REPLICA_PROFILE_DIR, each replica writes a CPU profile of its whole life there (replica-profile.ts). */
  async startReplicas(mongoUrl: string, replicas: number): Promise<void> {
    const profileDir = process.env['BENCH_AUTHZ_REPLICA_PROFILE_DIR'];
    const root = repoRoot();
    const profiling: Record<string, string> = profileDir
      ? {
          NODE_OPTIONS: `--require ${join(root, 'scripts/ts-register.js')} --require ${join(__dirname, 'replica-profile.ts')}`,
          BENCH_AUTHZ_REPLICA_PROFILE_DIR: resolve(profileDir),
        }
      : {};
    for (let i = 0; i < replicas; i++) {
      progress(`starting authz replica ${i + 1}/${replicas}`);
      this.replicas.push(
        await startServiceProcess({
          service: 'authz',
          env: {
            NATS_URL: this.nats.url,
            MONGO_URL: mongoUrl,
            MONGO_DB: this.db,
            AUTHZ_BOOTSTRAP_ADMINS: `user:${BENCH_ROOT.subjectId}`,
            LOG_LEVEL: 'info',
            ...profiling,
          },
          timeoutMs: 60_000,
        }),
      );
    }
  }

  async stop(): Promise<void> {
    for (const r of this.replicas) await r.stop();
    if (this.nc) await drainNats(this.nc);
    if (this.nats) await this.nats.stop();
  }

  /** 1 tenant, then clusters, departments (round robin over clusters) and projects (round robin over departments). */
  async publishOrg(size: SmallOrgSize): Promise<SmallOrg> {
    const publisher = new EventPublisher(this.nc, 'dv/platform-bench');
    let revision = 0;
    const publish = async (seq: Promise<{ seq: number }>): Promise<void> => {
      revision = Math.max(revision, (await seq).seq);
    };
    await publish(publisher.publish(OrgEvents.tenant.created, { tenantId: 't1', name: 'Tenant one' }, { actor: ORG_ACTOR, subject: 't1' }));
    const clusters = Array.from({ length: size.clusters }, (_, i) => `c${i + 1}`);
    const departments = Array.from({ length: size.departments }, (_, i) => ({ id: `d${i + 1}`, cluster: clusters[i % clusters.length] ?? 'c1' }));
    const projects = Array.from({ length: size.projects }, (_, i) => {
      const d = departments[i % departments.length] ?? { id: 'd1', cluster: 'c1' };
      return { id: `p${i + 1}`, department: d.id, cluster: d.cluster };
    });
    for (const c of clusters)
      await publish(publisher.publish(OrgEvents.cluster.created, { clusterId: c, tenantId: 't1', name: `Cluster ${c}` }, { actor: ORG_ACTOR, subject: c }));
    for (const d of departments)
      await publish(
        publisher.publish(
          OrgEvents.department.created,
          { departmentId: d.id, clusterId: d.cluster, name: `Department ${d.id}` },
          { actor: ORG_ACTOR, subject: d.id },
        ),
      );
    for (const p of projects) {
      await publish(
        publisher.publish(
          OrgEvents.project.created,
          { projectId: p.id, departmentId: p.department, clusterId: p.cluster, name: `Project ${p.id}`, namespace: `dv-${p.id}` },
          { actor: ORG_ACTOR, subject: p.id },
        ),
      );
    }
    const ref =
      (scopeType: ScopeType) =>
      (scopeId: string): ScopeRef => ({ scopeType, scopeId });
    const meta = new Map<string, ScopeMeta>([
      ['system/system', { name: 'System', clusterId: undefined, tenantId: undefined }],
      ['tenant/t1', { name: 'Tenant one', clusterId: undefined, tenantId: 't1' }],
      ...clusters.map((c): [string, ScopeMeta] => [`cluster/${c}`, { name: `Cluster ${c}`, clusterId: c, tenantId: 't1' }]),
      ...departments.map((d): [string, ScopeMeta] => [`department/${d.id}`, { name: `Department ${d.id}`, clusterId: d.cluster, tenantId: 't1' }]),
      ...projects.map((p): [string, ScopeMeta] => [`project/${p.id}`, { name: `Project ${p.id}`, clusterId: p.cluster, tenantId: 't1' }]),
    ]);
    return {
      meta,
      byType: {
        system: [{ scopeType: 'system', scopeId: 'system' }],
        tenant: [{ scopeType: 'tenant', scopeId: 't1' }],
        cluster: clusters.map(ref('cluster')),
        department: departments.map((d) => d.id).map(ref('department')),
        project: projects.map((p) => p.id).map(ref('project')),
      },
      platformRevision: revision,
    };
  }

  /** Raw request with the caller identity; the reply's JSON and the replica that answered (dv-responder). */
  async request(subject: string, body: unknown, identity: IdentityInput, timeoutMs = 10_000): Promise<{ reply: unknown; responder: string; msg: Msg }> {
    const h = natsHeaders();
    h.set(HEADERS.identity, JSON.stringify(identity));
    h.set(HEADERS.requestId, randomUUID());
    const msg = await this.nc.request(subject, new TextEncoder().encode(JSON.stringify(body)), { headers: h, timeout: timeoutMs });
    return { reply: JSON.parse(new TextDecoder().decode(msg.data)) as unknown, responder: msg.headers?.get(HEADERS.responder) ?? 'unknown', msg };
  }

  /** Waits until every replica answers a check that asks for this revision (the queue group spreads them). */
  async waitForReplicas(atLeast: { events?: number; platform?: number }): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let i = 0; i < 200 && seen.size < this.replicas.length; i++) {
      const { reply, responder } = await this.request(
        AuthzRpc.check.subject,
        {
          subject: { subjectType: 'user', subjectId: BENCH_ROOT.subjectId },
          action: 'read',
          resourceType: 'datavolumes',
          scope: { scopeType: 'system', scopeId: 'system' },
          atLeast,
        },
        BENCH_ROOT,
        30_000,
      );
      const parsed = AuthzRpc.check.reply.safeParse((reply as { data?: unknown }).data);
      if (!parsed.success) throw new Error(`check failed while waiting for the replicas: ${JSON.stringify(reply)}`);
      seen.add(responder);
    }
    if (seen.size < this.replicas.length) throw new Error(`only ${seen.size} of ${this.replicas.length} replicas answered`);
    return seen;
  }
}

export interface SeedPlan {
  rules: number;
  users: number;
  groups: number;
  /** Subjects × scopes per batch-create request (one role per request). */
  subjectsPerBatch: number;
  scopesPerBatch: number;
  concurrency: number;
}

const RULE_SCOPE_WEIGHTS = { project: 75, department: 21, cluster: 3.5, tenant: 0.4, system: 0.1 } as const;

/**
 * Rules as `access-rule.created` events on the domain stream, as another replica's outbox relay
 * publishes them: every running replica applies them to its index (the way replicas converge). Used
 * for the bulk of the rules because creating them through the RPC is slow on the test bed's FerretDB:
 * the write path's update by _id scans the collection there (about 1.4 s per update at 10,000
 * documents), so the rules are not also written to MongoDB. Random subject (30% groups) × role ×
 * scope, distinct.
 */
export async function publishRules(
  cluster: AuthzCluster,
  org: SmallOrg,
  roles: readonly { id: number; name: string }[],
  plan: SeedPlan,
  rng: Rng,
): Promise<{ published: number; revision: number; seconds: number }> {
  const started = Date.now();
  const publisher = new EventPublisher(cluster.nc, 'dv/authz');
  const seen = new Set<string>();
  const rules: AccessRule[] = [];
  const createdAt = new Date().toISOString();
  while (rules.length < plan.rules) {
    const group = rng.next() < 0.3;
    const subjectType = group ? ('group' as const) : ('user' as const);
    const subjectId = group ? `g${rng.int(plan.groups) + 1}` : `u${rng.int(plan.users) + 1}`;
    const role = rng.pick(roles);
    const scope = rng.pick(org.byType[rng.weighted(RULE_SCOPE_WEIGHTS)]);
    const meta = org.meta.get(`${scope.scopeType}/${scope.scopeId}`);
    if (!meta) throw new Error(`no scope ${scope.scopeType}/${scope.scopeId}`);
    const key = `${subjectType}|${subjectId}|${role.id}|${scope.scopeType}|${scope.scopeId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rule: AccessRule = {
      id: randomUUID(),
      subjectType,
      subjectId,
      roleId: role.id,
      roleName: role.name,
      scopeType: scope.scopeType,
      scopeId: scope.scopeId,
      scopeName: meta.name,
      createdAt,
      createdBy: BENCH_ROOT.subjectId,
      status: 'active',
    };
    if (meta.clusterId !== undefined) rule.clusterId = meta.clusterId;
    if (meta.tenantId !== undefined) rule.tenantId = meta.tenantId;
    rules.push(rule);
  }
  let revision = 0;
  for (let i = 0; i < rules.length; i += 100) {
    const acks = await Promise.all(
      rules.slice(i, i + 100).map((rule) =>
        publisher.publish(AuthzEvents.accessRuleCreated, rule, {
          actor: { id: BENCH_ROOT.subjectId, type: 'user' },
          subject: rule.id,
          scope: { scopeType: rule.scopeType, scopeId: rule.scopeId },
          aggregateVersion: 1,
        }),
      ),
    );
    for (const ack of acks) revision = Math.max(revision, ack.seq);
  }
  return { published: rules.length, revision, seconds: (Date.now() - started) / 1000 };
}

/**
 * Rules through batch-create as the bootstrap admin: each request one random role, random subjects
 * (30% groups) × random scopes weighted toward projects and departments. Duplicates come back as
 * CONFLICT (not counted); requests continue until `rules` were created.
 */
export async function seedRules(
  cluster: AuthzCluster,
  org: SmallOrg,
  roleIds: readonly number[],
  plan: SeedPlan & { viaRpc: number },
  rng: Rng,
): Promise<{ created: number; conflicts: number; revision: number; seconds: number }> {
  const started = Date.now();
  let created = 0;
  let conflicts = 0;
  let revision = 0;
  let reported = 0;
  const batch = () => {
    const subjects = Array.from({ length: plan.subjectsPerBatch }, () =>
      rng.next() < 0.3
        ? { subjectType: 'group' as const, subjectId: `g${rng.int(plan.groups) + 1}` }
        : { subjectType: 'user' as const, subjectId: `u${rng.int(plan.users) + 1}` },
    );
    const scopes = Array.from({ length: plan.scopesPerBatch }, () => rng.pick(org.byType[rng.weighted(RULE_SCOPE_WEIGHTS)]));
    return { roleId: rng.pick(roleIds), subjects, scopes };
  };
  const worker = async (): Promise<void> => {
    while (created < plan.viaRpc) {
      const result = await cluster.client.call(AuthzRpc.batchCreateAccessRules, batch(), { identity: BENCH_ROOT, timeoutMs: 120_000 });
      created += result.succeeded.length;
      conflicts += result.failed.filter((f) => f.error.code === 'CONFLICT').length;
      const other = result.failed.find((f) => f.error.code !== 'CONFLICT');
      if (other) throw new Error(`batch create failed: ${JSON.stringify(other)}`);
      revision = Math.max(revision, result.revision.events ?? 0);
      if (created - reported >= 1000) {
        reported = created;
        progress(`seeded ${created} rules (${Math.round((created * 1000) / (Date.now() - started))}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return { created, conflicts, revision, seconds: (Date.now() - started) / 1000 };
}

/** Check request bodies about random seeded users (with random groups), actions, resource types and scopes. */
export function checkBodies(org: SmallOrg, plan: SeedPlan, count: number, rng: Rng) {
  const weights = { project: 80, department: 12, cluster: 5, tenant: 2, system: 1 } as const;
  return Array.from({ length: count }, () => {
    const groups = new Set<string>();
    const n = rng.int(6);
    while (groups.size < n) groups.add(`g${rng.int(plan.groups) + 1}`);
    return {
      subject: { subjectType: 'user' as const, subjectId: `u${rng.int(plan.users) + 1}`, groups: [...groups] },
      action: rng.pick(ACTIONS),
      resourceType: rng.pick(RESOURCE_TYPES),
      scope: rng.pick(org.byType[rng.weighted(weights)]),
    };
  });
}
