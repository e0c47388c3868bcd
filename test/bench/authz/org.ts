// The generated organization of the authz benchmarks: scopes, users in groups, access rules and
// checks, all from a seeded PRNG so that every run (and both implementations) sees the same data.
import { ACTIONS, type AccessRule, type Action, type Principal, RESOURCE_TYPES, type ResourceType, type ScopeType } from '@dv/contracts';

/** sfc32: a small, fast, seedable PRNG (uniform doubles in [0, 1)). */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(list: readonly T[]): T {
    const item = list[this.int(list.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** One of the keys, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let total = 0;
    for (const [, w] of entries) total += w;
    let x = this.next() * total;
    for (const [k, w] of entries) {
      x -= w;
      if (x < 0) return k;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('no weights');
    return last[0];
  }

  /** A uuid-shaped id (version 4 layout), from this generator. */
  uuid(): string {
    const hex = (): string =>
      Math.floor(this.next() * 4294967296)
        .toString(16)
        .padStart(8, '0');
    const a = hex();
    const b = hex();
    const c = hex();
    const d = hex();
    // join gives a flat string, as a decoder would (a template literal would leave a tree of cons strings).
    return [a, b.slice(0, 4), `4${b.slice(5, 8)}`, `${(8 + this.int(4)).toString(16)}${c.slice(1, 4)}`, `${c.slice(4, 8)}${d}`].join('-');
  }
}

export interface OrgSize {
  clusters: number;
  departments: number;
  projects: number;
  users: number;
  groups: number;
  /** Each user is in 0..maxGroupsPerUser distinct groups (uniformly). */
  maxGroupsPerUser: number;
}

/** The issue's organization: 1 tenant, 5 clusters, 50 departments, 2,000 projects; 50,000 users in up to 5 of 5,000 groups. */
export const ISSUE_ORG: OrgSize = { clusters: 5, departments: 50, projects: 2000, users: 50_000, groups: 5000, maxGroupsPerUser: 5 };

export interface GenScope {
  type: ScopeType;
  id: string;
  name: string;
  /** `type/id`: ids are unique per type only. */
  key: string;
  parent: GenScope | null;
  /** Keys of the scope and all its ancestors, up to the system. */
  path: string[];
  clusterId: string | undefined;
  tenantId: string | undefined;
}

export interface GenUser {
  principal: Principal;
}

export interface GenOrg {
  size: OrgSize;
  system: GenScope;
  /** Every scope but the system, parents before children. */
  scopes: GenScope[];
  byType: Record<ScopeType, GenScope[]>;
  users: GenUser[];
  groups: string[];
}

export function scopeKeyOf(type: ScopeType, id: string): string {
  return `${type}/${id}`;
}

function child(type: ScopeType, id: string, name: string, parent: GenScope): GenScope {
  const key = scopeKeyOf(type, id);
  return {
    type,
    id,
    name,
    key,
    parent,
    path: [key, ...parent.path],
    clusterId: type === 'cluster' ? id : parent.clusterId,
    tenantId: type === 'tenant' ? id : parent.tenantId,
  };
}

/** Scopes (each department in a random cluster, each project in a random department) and users in random groups. */
export function generateOrg(size: OrgSize, rng: Rng): GenOrg {
  const system: GenScope = {
    type: 'system',
    id: 'system',
    name: 'System',
    key: 'system/system',
    parent: null,
    path: ['system/system'],
    clusterId: undefined,
    tenantId: undefined,
  };
  const tenant = child('tenant', 't1', 'Tenant one', system);
  const clusters = Array.from({ length: size.clusters }, (_, i) => child('cluster', `c${i + 1}`, `Cluster ${i + 1}`, tenant));
  const departments = Array.from({ length: size.departments }, (_, i) => child('department', `d${i + 1}`, `Department ${i + 1}`, rng.pick(clusters)));
  const projects = Array.from({ length: size.projects }, (_, i) => child('project', `p${i + 1}`, `Project ${i + 1}`, rng.pick(departments)));
  const groups = Array.from({ length: size.groups }, (_, i) => `g${i + 1}`);
  const users: GenUser[] = [];
  for (let i = 0; i < size.users; i++) {
    const count = rng.int(size.maxGroupsPerUser + 1);
    const mine = new Set<string>();
    while (mine.size < count) mine.add(rng.pick(groups));
    users.push({ principal: { subjectType: 'user', subjectId: `u${i + 1}`, groups: [...mine] } });
  }
  return {
    size,
    system,
    scopes: [tenant, ...clusters, ...departments, ...projects],
    byType: { system: [system], tenant: [tenant], cluster: clusters, department: departments, project: projects },
    users,
    groups,
  };
}

/** Where rules are placed: mostly projects and departments. */
export const RULE_SCOPE_WEIGHTS: Readonly<Record<ScopeType, number>> = { project: 75, department: 21, cluster: 3.5, tenant: 0.4, system: 0.1 };
/** What checks ask about: mostly projects. */
export const CHECK_SCOPE_WEIGHTS: Readonly<Record<ScopeType, number>> = { project: 80, department: 12, cluster: 5, tenant: 2, system: 1 };
export const GROUP_SUBJECT_SHARE = 0.3;

export interface GenRule {
  subjectType: 'user' | 'group';
  subjectId: string;
  roleId: number;
  scope: GenScope;
}

export interface RoleLike {
  id: number;
  name: string;
}

/**
 * `count` distinct rules (subject, role, scope), as the service allows one active rule per triple:
 * a random subject (a group with probability 0.3, else a user) × a random role × a random scope.
 */
export function generateRules(org: GenOrg, roles: readonly RoleLike[], count: number, rng: Rng): GenRule[] {
  const seen = new Set<string>();
  const out: GenRule[] = [];
  while (out.length < count) {
    const group = rng.next() < GROUP_SUBJECT_SHARE;
    const subjectId = group ? rng.pick(org.groups) : rng.pick(org.users).principal.subjectId;
    const role = rng.pick(roles);
    const scope = rng.pick(org.byType[rng.weighted(RULE_SCOPE_WEIGHTS)]);
    const key = `${group ? 'g' : 'u'}|${subjectId}|${role.id}|${scope.key}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ subjectType: group ? 'group' : 'user', subjectId, roleId: role.id, scope });
  }
  return out;
}

const CREATED_AT_BASE = Date.parse('2026-01-01T00:00:00.000Z');

/** A new copy of a string, as a decoder makes one per document (the MongoDB driver decodes each BSON string into its own). */
function decoded<T extends string>(s: T): T {
  return Buffer.from(s, 'utf8').toString('utf8') as T;
}

/**
 * The rule as the service holds it after loading it from MongoDB: the shape of toAccessRule
 * (services/authz/src/rules/access-rule.model.ts), every string its own copy (none shared with the
 * org or with other rules), so that the memory measured is what a replica's snapshot load holds.
 */
export function toAccessRule(rule: GenRule, role: RoleLike, index: number, rng: Rng): AccessRule {
  const out: AccessRule = {
    id: rng.uuid(),
    subjectType: decoded(rule.subjectType),
    subjectId: decoded(rule.subjectId),
    roleId: role.id,
    roleName: decoded(role.name),
    scopeType: decoded(rule.scope.type),
    scopeId: decoded(rule.scope.id),
    scopeName: decoded(rule.scope.name),
    createdAt: new Date(CREATED_AT_BASE + index * 1000).toISOString(),
    createdBy: decoded('bench-admin'),
    status: decoded('active'),
  };
  if (rule.scope.clusterId !== undefined) out.clusterId = decoded(rule.scope.clusterId);
  if (rule.scope.tenantId !== undefined) out.tenantId = decoded(rule.scope.tenantId);
  return out;
}

export interface GenCheck {
  user: GenUser;
  action: Action;
  resourceType: ResourceType;
  scope: GenScope;
}

/** Random user (with its groups), action, resource type of the 36, and scope (mostly projects). */
export function generateChecks(org: GenOrg, count: number, rng: Rng): GenCheck[] {
  const out: GenCheck[] = [];
  for (let i = 0; i < count; i++) {
    out.push({
      user: rng.pick(org.users),
      action: rng.pick(ACTIONS),
      resourceType: rng.pick(RESOURCE_TYPES),
      scope: rng.pick(org.byType[rng.weighted(CHECK_SCOPE_WEIGHTS)]),
    });
  }
  return out;
}
