import { ACTIONS, type AccessRule, RESOURCE_TYPES, type ScopeType } from '@dv/contracts';
import { RoleCatalog } from '../catalog/role-catalog';
import rolesJson from '../catalog/roles.json';
import { RuleIndex } from '../rules/rule-index';
import { type ScopeNode, ScopeTree } from '@dv/org';
import { DecisionEngine } from './decision-engine';

const catalog = RoleCatalog.load();

function setup() {
  const tree = new ScopeTree();
  let v = 0;
  const add = (type: ScopeType, id: string, parentType: ScopeType, parentId: string) =>
    tree.upsert({ type, id, name: id.toUpperCase(), parent: { scopeType: parentType, scopeId: parentId }, version: ++v });
  add('tenant', 't1', 'system', 'system');
  for (const c of ['c1', 'c2']) {
    add('cluster', c, 'tenant', 't1');
    for (const d of ['a', 'b']) {
      add('department', `${c}${d}`, 'cluster', c);
      for (const p of ['x', 'y']) add('project', `${c}${d}${p}`, 'department', `${c}${d}`);
    }
  }
  const index = new RuleIndex();
  const engine = new DecisionEngine(catalog, tree, index);
  const grant = (id: string, subjectType: AccessRule['subjectType'], subjectId: string, roleId: number, scope: ScopeNode) => {
    const role = catalog.get(roleId);
    if (!role) throw new Error('no role');
    const rule: AccessRule = {
      id,
      subjectType,
      subjectId,
      roleId,
      roleName: role.name,
      scopeType: scope.type,
      scopeId: scope.id,
      scopeName: scope.name,
      createdAt: new Date(0).toISOString(),
      createdBy: 'test',
      status: 'active',
    };
    index.apply({ rule, role, scope, version: 1 });
    return rule;
  };
  return { tree, index, engine, grant };
}

function isAncestorOrSelf(a: ScopeNode, b: ScopeNode): boolean {
  for (let n: ScopeNode | null = b; n; n = n.parent) if (n === a) return true;
  return false;
}

describe('DecisionEngine', () => {
  it('grants exactly what roles.json says, at the rule scope and below, nothing beside or above (every role × resource × action × scope)', () => {
    const { tree, engine, grant } = setup();
    const all: ScopeNode[] = [...tree.subtree(tree.root)];
    const levels = ['system', 'tenant', 'cluster', 'department', 'project'] as const;
    const placements = levels.map((l) => all.find((n) => n.type === l) as ScopeNode);
    let checks = 0;
    for (const raw of rolesJson.roles) {
      const permissions = raw.permissions as Record<string, string>;
      for (const at of placements) {
        const user = `u-${raw.id}-${at.type}`;
        grant(`r-${user}`, 'user', user, raw.id, at);
        for (const scope of all) {
          for (const resourceType of RESOURCE_TYPES) {
            for (const action of ACTIONS) {
              const expected = isAncestorOrSelf(at, scope) && (permissions[resourceType] ?? '').includes(action[0] as string);
              const outcome = engine.decide({ subjectId: user, subjectType: 'user', groups: [] }, action, resourceType, scope);
              if (outcome.allowed !== expected)
                throw new Error(`${raw.name} at ${at.type}: ${action} ${resourceType} in ${scope.type} ${scope.id} should be ${expected}`);
              checks++;
            }
          }
        }
      }
    }
    expect(checks).toBe(18 * 5 * all.length * 36 * 4);
  });

  it('grants through a group and explains which rule, role and scope decided', () => {
    const { tree, engine, grant } = setup();
    const d = tree.live('department', 'c1a') as ScopeNode;
    const p = tree.live('project', 'c1ax') as ScopeNode;
    grant('rule-1', 'group', 'data-team', 2256, d);
    const principal = { subjectId: 'alice', subjectType: 'user' as const, groups: ['data-team'] };
    const outcome = engine.decide(principal, 'create', 'datavolumes', p);
    expect(outcome.allowed).toBe(true);
    const decision = engine.explain(principal, 'create', 'datavolumes', p, outcome);
    expect(decision).toMatchObject({
      allowed: true,
      reason: 'granted',
      grantedBy: {
        ruleId: 'rule-1',
        subjectType: 'group',
        subjectId: 'data-team',
        roleId: 2256,
        roleName: 'Data volume administrator',
        scopeType: 'department',
        scopeId: 'c1a',
      },
    });
    expect(decision.scopePath.map((s) => s.scopeId)).toEqual(['system', 't1', 'c1', 'c1a', 'c1ax']);
    expect(decision.message).toContain('through group data-team');
    expect(engine.decide({ ...principal, groups: [] }, 'create', 'datavolumes', p).allowed).toBe(false);
  });

  it('denies by default and explains the denial', () => {
    const { tree, engine } = setup();
    const p = tree.live('project', 'c2bx') as ScopeNode;
    const principal = { subjectId: 'nobody', subjectType: 'user' as const, groups: [] };
    const decision = engine.explain(principal, 'read', 'datavolumes', p, engine.decide(principal, 'read', 'datavolumes', p));
    expect(decision).toMatchObject({ allowed: false, reason: 'no-matching-rule' });
  });

  it('stops granting when the rule is deleted', () => {
    const { tree, engine, index, grant } = setup();
    const d = tree.live('department', 'c1a') as ScopeNode;
    const rule = grant('rule-x', 'user', 'bob', 5, d);
    const principal = { subjectId: 'bob', subjectType: 'user' as const, groups: [] };
    expect(engine.decide(principal, 'create', 'datavolumes', d).allowed).toBe(true);
    const role = catalog.get(5);
    if (!role) throw new Error('no role');
    index.apply({ rule: { ...rule, status: 'deleted' }, role, scope: d, version: 2 });
    expect(engine.decide(principal, 'create', 'datavolumes', d).allowed).toBe(false);
    expect(index.apply({ rule, role, scope: d, version: 1 })).toBe(false); // a late create cannot revive it
  });

  it('lists permitted scopes with everything below each granting rule', () => {
    const { tree, engine, grant } = setup();
    grant('r1', 'user', 'carol', 5, tree.live('department', 'c1a') as ScopeNode); // L1 researcher: datavolumes crud, no sharing
    grant('r2', 'user', 'carol', 8, tree.live('project', 'c2bx') as ScopeNode); // L2 researcher: datavolumes read
    const scopes = engine.permittedScopes({ subjectId: 'carol', subjectType: 'user', groups: [] }, 'datavolumes');
    expect(scopes.create).toEqual({ system: false, tenants: [], clusters: [], departments: ['c1a'], projects: ['c1ax', 'c1ay'] });
    expect(scopes.read).toEqual({ system: false, tenants: [], clusters: [], departments: ['c1a'], projects: ['c1ax', 'c1ay', 'c2bx'] });
    const sharing = engine.permittedScopes({ subjectId: 'carol', subjectType: 'user', groups: [] }, 'datavolumes/sharedscopes', 'create');
    expect(sharing).toEqual({ create: { system: false, tenants: [], clusters: [], departments: [], projects: [] } });
  });

  it("sums up a principal's actions per resource type over its own and its groups' rules, live scopes only", () => {
    const { tree, engine, grant } = setup();
    const carol = { subjectId: 'carol', subjectType: 'user' as const, groups: ['viewers'] };
    expect(engine.actionsAnywhere(carol).size).toBe(0);
    grant('r1', 'user', 'carol', 8, tree.live('project', 'c2bx') as ScopeNode); // L2 researcher
    grant('r2', 'group', 'viewers', 2256, tree.live('department', 'c1a') as ScopeNode); // Data volume administrator
    const summary = engine.actionsAnywhere(carol);
    const expected = new Map<string, string[]>();
    for (const id of [8, 2256]) {
      const raw = rolesJson.roles.find((r) => r.id === id);
      for (const [resourceType, letters] of Object.entries((raw?.permissions ?? {}) as Record<string, string>)) {
        const actions = new Set([...(expected.get(resourceType) ?? []), ...[...letters].map((l) => ACTIONS['crud'.indexOf(l)] as string)]);
        expected.set(
          resourceType,
          ACTIONS.filter((a) => actions.has(a)),
        );
      }
    }
    expect(Object.fromEntries(summary)).toEqual(Object.fromEntries(expected));
    expect(summary.get('datavolumes')).toEqual(['create', 'read', 'update', 'delete']);
    // The group's department deleted: its rule grants nothing any more.
    tree.remove('department', 'c1a', 100);
    expect(engine.actionsAnywhere(carol).get('datavolumes')).toEqual(['read']);
    expect(engine.actionsAnywhere({ ...carol, groups: [] }).has('datavolumes/sharedscopes')).toBe(false);
  });

  it('says who can act in a scope, through which rules', () => {
    const { tree, engine, grant } = setup();
    grant('r1', 'user', 'dana', 2256, tree.live('cluster', 'c1') as ScopeNode);
    grant('r2', 'group', 'viewers', 7, tree.root);
    grant('r3', 'user', 'erin', 7, tree.live('project', 'c1ax') as ScopeNode);
    const who = engine.whoCan('update', 'datavolumes', tree.live('project', 'c1ay') as ScopeNode);
    expect([...who.values()].map((w) => [w.subjectType, w.subjectId, w.via.map((v) => v.ruleId)])).toEqual([['user', 'dana', ['r1']]]);
    const readers = engine.whoCan('read', 'datavolumes', tree.live('project', 'c1ax') as ScopeNode);
    expect([...readers.keys()].length).toBe(3);
  });
});
