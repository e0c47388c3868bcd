import { ACTIONS, type AccessRule, type Action, type Principal, RESOURCE_TYPES, type ResourceType, type ScopeType } from '@dv/contracts';
import { type ScopeNode, ScopeTree } from '@dv/org';
import { type CatalogRole, RoleCatalog } from '../catalog/role-catalog';
import { DecisionEngine } from '../decisions/decision-engine';
import { type IndexedRule, RuleIndex } from './rule-index';

const catalog = RoleCatalog.load();

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function grants(role: CatalogRole, resourceType: ResourceType, action: Action): boolean {
  return catalog.grants(role, resourceType, action);
}

/**
 * The reference: every active rule in the order it was applied, scanned in full. The deciding rule
 * is the one at the nearest scope; at equal distance the subject's own rules, then its groups' in
 * the principal's order; then the first applied.
 */
class Naive {
  readonly active: IndexedRule[] = [];

  apply(entry: IndexedRule, held: IndexedRule | undefined): void {
    if (held?.rule.status === 'active') this.active.splice(this.active.indexOf(held), 1);
    if (entry.rule.status === 'active') this.active.push(entry);
  }

  deciding(principal: Principal, action: Action, resourceType: ResourceType, node: ScopeNode): IndexedRule | undefined {
    const ranks = new Map<string, number>([[`${principal.subjectType}:${principal.subjectId}`, 0]]);
    principal.groups.forEach((g, i) => {
      if (!ranks.has(`group:${g}`)) ranks.set(`group:${g}`, i + 1);
    });
    const levels = new Map<ScopeNode, number>();
    for (let n: ScopeNode | null = node, l = 0; n; n = n.parent, l++) levels.set(n, l);
    let best: { rule: IndexedRule; key: [number, number, number] } | undefined;
    this.active.forEach((entry, position) => {
      const rank = ranks.get(`${entry.rule.subjectType}:${entry.rule.subjectId}`);
      const level = levels.get(entry.scope);
      if (rank === undefined || level === undefined || !grants(entry.role, resourceType, action)) return;
      const key: [number, number, number] = [level, rank, position];
      if (!best || key[0] < best.key[0] || (key[0] === best.key[0] && (key[1] < best.key[1] || (key[1] === best.key[1] && key[2] < best.key[2]))))
        best = { rule: entry, key };
    });
    return best?.rule;
  }
}

function world() {
  const tree = new ScopeTree();
  let version = 0;
  const upsert = (type: ScopeType, id: string, parentType: ScopeType, parentId: string) =>
    tree.upsert({ type, id, name: id.toUpperCase(), parent: { scopeType: parentType, scopeId: parentId }, version: ++version });
  upsert('tenant', 't1', 'system', 'system');
  upsert('tenant', 't2', 'system', 'system');
  const clusters = ['c1', 'c2', 'c3'];
  clusters.forEach((c, i) => upsert('cluster', c, 'tenant', i === 2 ? 't2' : 't1'));
  const departments = Array.from({ length: 8 }, (_, i) => `d${i}`);
  departments.forEach((d, i) => upsert('department', d, 'cluster', clusters[i % clusters.length] as string));
  const projects = Array.from({ length: 30 }, (_, i) => `p${i}`);
  projects.forEach((p, i) => upsert('project', p, 'department', departments[i % departments.length] as string));
  const index = new RuleIndex();
  const engine = new DecisionEngine(catalog, tree, index);
  const naive = new Naive();
  const apply = (entry: IndexedRule): boolean => {
    const held = index.byId.get(entry.rule.id);
    const changed = index.apply(entry);
    if (changed) naive.apply(entry, held);
    return changed;
  };
  const remove = (type: ScopeType, id: string) => tree.remove(type, id, ++version);
  return { tree, index, engine, naive, apply, upsert, remove, clusters, departments, projects };
}

function rule(
  id: string,
  subjectType: AccessRule['subjectType'],
  subjectId: string,
  role: CatalogRole,
  scope: ScopeNode,
  status: AccessRule['status'] = 'active',
): AccessRule {
  return {
    id,
    subjectType,
    subjectId,
    roleId: role.id,
    roleName: role.name,
    scopeType: scope.type,
    scopeId: scope.id,
    scopeName: scope.name,
    createdAt: new Date(0).toISOString(),
    createdBy: 'test',
    status,
  };
}

describe('RuleIndex and DecisionEngine against a naive scan of the rules', () => {
  it('decide, the deciding rule, permitted scopes and who-can agree through creates, revocations, scope moves and deletions', () => {
    const random = rng(7);
    const w = world();
    const users = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? `f3b8a1c2-0d4e-4f5a-9b6c-${String(i).padStart(12, '0')}` : `u${i}`));
    const groups = Array.from({ length: 12 }, (_, i) => (i === 11 ? 'u1' : `g${i}`)); // a group may share an id with a user
    const principals: Principal[] = users.map((u, i) => ({
      subjectType: i % 10 === 9 ? 'service-account' : 'user',
      subjectId: u,
      groups: Array.from({ length: Math.floor(random() * 4) }, () => pick(random, groups)),
    }));
    const created: AccessRule[] = [];
    let ruleSeq = 0;
    let checks = 0;
    let allowed = 0;

    const verify = (count: number) => {
      const live = [...w.tree.subtree(w.tree.root)];
      for (let i = 0; i < count; i++) {
        const principal = pick(random, principals);
        const action = pick(random, ACTIONS);
        const resourceType = pick(random, RESOURCE_TYPES);
        const node = pick(random, live);
        const outcome = w.engine.decide(principal, action, resourceType, node);
        const expected = w.naive.deciding(principal, action, resourceType, node);
        const decision = w.engine.explain(principal, action, resourceType, node, outcome);
        if (outcome.allowed !== (expected !== undefined) || decision.grantedBy?.ruleId !== expected?.rule.id) {
          throw new Error(
            `${principal.subjectType} ${principal.subjectId} [${principal.groups.join(',')}] ${action} ${resourceType} in ${node.type} ${node.id}: got ${decision.grantedBy?.ruleId ?? 'denied'}, expected ${expected?.rule.id ?? 'denied'}`,
          );
        }
        checks++;
        if (outcome.allowed) allowed++;
      }
      // Permitted scopes: every live scope at or below an active rule of the principal granting the action.
      for (let i = 0; i < 10; i++) {
        const principal = pick(random, principals);
        const resourceType = pick(random, RESOURCE_TYPES);
        const got = w.engine.permittedScopes(principal, resourceType);
        for (const action of ACTIONS) {
          const want = live.filter((n) => w.naive.deciding(principal, action, resourceType, n) !== undefined);
          const set = got[action];
          const flat = set
            ? [
                ...(set.system ? ['system/system'] : []),
                ...set.tenants.map((id) => `tenant/${id}`),
                ...set.clusters.map((id) => `cluster/${id}`),
                ...set.departments.map((id) => `department/${id}`),
                ...set.projects.map((id) => `project/${id}`),
              ]
            : [];
          expect(flat.sort()).toEqual(want.map((n) => `${n.type}/${n.id}`).sort());
        }
      }
      // Who can: the subjects with a granting active rule at the scope or above, with those rules.
      for (let i = 0; i < 10; i++) {
        const node = pick(random, live);
        const action = pick(random, ACTIONS);
        const resourceType = pick(random, RESOURCE_TYPES);
        const ancestors = new Set<ScopeNode>();
        for (let n: ScopeNode | null = node; n; n = n.parent) ancestors.add(n);
        const want = new Map<string, string[]>();
        for (const entry of w.naive.active) {
          if (!ancestors.has(entry.scope) || !grants(entry.role, resourceType, action)) continue;
          const key = `${entry.rule.subjectType}:${entry.rule.subjectId}`;
          want.set(key, [...(want.get(key) ?? []), entry.rule.id]);
        }
        const got = new Map(
          [...w.engine.whoCan(action, resourceType, node).values()].map((s) => [`${s.subjectType}:${s.subjectId}`, s.via.map((v) => v.ruleId).sort()]),
        );
        expect(got).toEqual(new Map([...want].map(([k, v]) => [k, v.sort()])));
      }
    };

    for (let round = 0; round < 12; round++) {
      // Grants: several per principal and scope at times (same subject, scope, other role).
      for (let i = 0; i < 60; i++) {
        // Group g0 gets many grants (as an "all researchers" group would): its grant-table region is binary-searched.
        const subject = random() < 0.35 ? { subjectType: 'group' as const, subjectId: random() < 0.4 ? 'g0' : pick(random, groups) } : pick(random, principals);
        const scope = random() < 0.1 ? w.tree.root : pick(random, [...w.tree.subtree(w.tree.root)]);
        const role = pick(random, catalog.roles);
        const r = rule(`r${++ruleSeq}`, subject.subjectType, subject.subjectId, role, scope);
        expect(w.apply({ rule: r, role, scope, version: 1 })).toBe(true);
        created.push(r);
      }
      // Revocations, and late or repeated events that must change nothing.
      for (let i = 0; i < 20; i++) {
        const r = pick(random, created);
        const scope = w.tree.ensure(r.scopeType, r.scopeId);
        const role = catalog.get(r.roleId) as CatalogRole;
        const wasActive = w.index.byId.get(r.id)?.rule.status === 'active';
        expect(w.apply({ rule: { ...r, status: 'deleted' }, role, scope, version: 2 })).toBe(wasActive);
        expect(w.apply({ rule: r, role, scope, version: 1 })).toBe(false);
      }
      // Moves: a department to another cluster, a project to another department.
      const d = pick(random, w.departments);
      w.upsert('department', d, 'cluster', pick(random, w.clusters));
      const p = pick(random, w.projects);
      w.upsert('project', p, 'department', pick(random, w.departments));
      // A deletion now and then (rules stay in the index; the scope and everything below it stop being live).
      if (round % 4 === 3) w.remove('project', pick(random, w.projects));
      if (round === 6) w.remove('department', pick(random, w.departments));
      verify(1500);
    }
    expect(w.index.active).toBe(w.naive.active.length);
    expect(checks).toBe(12 * 1500);
    expect(allowed).toBeGreaterThan(checks / 20); // the comparison covers both answers
    // Some groups hold grants at many scopes: the grant table's binary-searched path was compared too.
    expect(w.index.grants.entries('group', 'g0').length).toBeGreaterThan(16);
  });

  it('at equal distance the subject wins over its groups, and groups win in the order given', () => {
    const w = world();
    const p = w.tree.live('project', 'p3') as ScopeNode;
    const d = p.parent as ScopeNode;
    const viewer = catalog.resolve('Viewer') as CatalogRole;
    w.apply({ rule: rule('group-b', 'group', 'b', viewer, d), role: viewer, scope: d, version: 1 });
    w.apply({ rule: rule('group-a', 'group', 'a', viewer, d), role: viewer, scope: d, version: 1 });
    const principal: Principal = { subjectType: 'user', subjectId: 'ann', groups: ['a', 'b'] };
    const ruleOf = (pr: Principal) => w.engine.explain(pr, 'read', 'datavolumes', p, w.engine.decide(pr, 'read', 'datavolumes', p)).grantedBy?.ruleId;
    expect(ruleOf(principal)).toBe('group-a');
    expect(ruleOf({ ...principal, groups: ['b', 'a'] })).toBe('group-b');
    w.apply({ rule: rule('own', 'user', 'ann', viewer, d), role: viewer, scope: d, version: 1 });
    expect(ruleOf(principal)).toBe('own');
    w.apply({ rule: rule('group-b-near', 'group', 'b', viewer, p), role: viewer, scope: p, version: 1 });
    expect(ruleOf(principal)).toBe('group-b-near'); // nearer wins over own
    // Two rules of one principal at one scope: the first applied that grants decides; revoking it leaves the other.
    const editor = catalog.resolve('Editor') as CatalogRole;
    w.apply({ rule: rule('own-2', 'user', 'ann', editor, p), role: editor, scope: p, version: 1 });
    w.apply({ rule: rule('own-3', 'user', 'ann', viewer, p), role: viewer, scope: p, version: 1 });
    expect(ruleOf(principal)).toBe(grants(editor, 'datavolumes', 'read') ? 'own-2' : 'own-3');
    w.apply({ rule: rule('own-2', 'user', 'ann', editor, p, 'deleted'), role: editor, scope: p, version: 2 });
    expect(ruleOf(principal)).toBe('own-3');
  });

  it('indexes rules whose role came from a legacy name exactly like the current role', () => {
    const w = world();
    const p = w.tree.live('project', 'p1') as ScopeNode;
    const legacy = catalog.resolve('researcher') as CatalogRole; // 2.13's "Researcher" is "L1 researcher"
    const current = catalog.resolve('L1 researcher') as CatalogRole;
    expect(legacy).toBe(current);
    w.apply({ rule: rule('legacy', 'user', 'lee', legacy, p), role: legacy, scope: p, version: 1 });
    w.apply({ rule: rule('current', 'user', 'cur', current, p), role: current, scope: p, version: 1 });
    for (const resourceType of RESOURCE_TYPES) {
      for (const action of ACTIONS) {
        const a = w.engine.decide({ subjectType: 'user', subjectId: 'lee', groups: [] }, action, resourceType, p).allowed;
        const b = w.engine.decide({ subjectType: 'user', subjectId: 'cur', groups: [] }, action, resourceType, p).allowed;
        expect(a).toBe(b);
        expect(a).toBe(grants(current, resourceType, action));
      }
    }
  });

  it('forgets a principal whose last rule is revoked, and grants again when a rule comes back', () => {
    const w = world();
    const p = w.tree.live('project', 'p2') as ScopeNode;
    const admin = catalog.resolve('System administrator') as CatalogRole;
    const principal: Principal = { subjectType: 'app', subjectId: 'robot', groups: [] };
    w.apply({ rule: rule('a1', 'app', 'robot', admin, p), role: admin, scope: p, version: 1 });
    expect(w.engine.decide(principal, 'delete', 'datavolumes', p).allowed).toBe(true);
    expect(w.index.grants.principals).toBe(1);
    w.apply({ rule: rule('a1', 'app', 'robot', admin, p, 'deleted'), role: admin, scope: p, version: 2 });
    expect(w.engine.decide(principal, 'delete', 'datavolumes', p).allowed).toBe(false);
    expect(w.index.grants.principals).toBe(0);
    expect([...w.index.rulesAt(p)]).toEqual([]);
    w.apply({ rule: rule('a2', 'app', 'robot', admin, w.tree.root), role: admin, scope: w.tree.root, version: 1 });
    expect(w.engine.decide(principal, 'delete', 'datavolumes', p).allowed).toBe(true);
    expect(w.engine.decide({ ...principal, subjectType: 'user' }, 'delete', 'datavolumes', p).allowed).toBe(false);
  });

  it('follows a scope move: rules above the old parent stop applying, rules above the new one start', () => {
    const w = world();
    const viewer = catalog.resolve('Viewer') as CatalogRole;
    const c1 = w.tree.live('cluster', 'c1') as ScopeNode;
    const c3 = w.tree.live('cluster', 'c3') as ScopeNode;
    w.apply({ rule: rule('on-c1', 'group', 'ops', viewer, c1), role: viewer, scope: c1, version: 1 });
    w.apply({ rule: rule('on-c3', 'group', 'dev', viewer, c3), role: viewer, scope: c3, version: 1 });
    const ops: Principal = { subjectType: 'user', subjectId: 'o', groups: ['ops'] };
    const dev: Principal = { subjectType: 'user', subjectId: 'v', groups: ['dev'] };
    const d0 = w.tree.live('department', 'd0') as ScopeNode; // d0 starts under c1
    expect(w.engine.decide(ops, 'read', 'datavolumes', d0).allowed).toBe(true);
    expect(w.engine.decide(dev, 'read', 'datavolumes', d0).allowed).toBe(false);
    w.upsert('department', 'd0', 'cluster', 'c3');
    const p0 = w.tree.live('project', 'p0') as ScopeNode; // under d0
    expect(w.engine.decide(ops, 'read', 'datavolumes', p0).allowed).toBe(false);
    expect(w.engine.decide(dev, 'read', 'datavolumes', p0).allowed).toBe(true);
    expect(w.engine.explain(dev, 'read', 'datavolumes', p0, w.engine.decide(dev, 'read', 'datavolumes', p0)).scopePath.map((s) => s.scopeId)).toEqual([
      'system',
      't2',
      'c3',
      'd0',
      'p0',
    ]);
  });
});
