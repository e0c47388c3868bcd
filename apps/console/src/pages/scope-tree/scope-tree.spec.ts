import { type ScopePathEntry, projectsOf, scopesOfSet, treeOfPaths } from './scope-tree';

const sys: ScopePathEntry = { scopeType: 'system', scopeId: 'system', name: 'system' };
const c1: ScopePathEntry = { scopeType: 'cluster', scopeId: 'c1', name: 'main' };
const d1: ScopePathEntry = { scopeType: 'department', scopeId: 'd1', name: 'zeta' };
const d2: ScopePathEntry = { scopeType: 'department', scopeId: 'd2', name: 'alpha' };

describe('treeOfPaths', () => {
  it('merges paths into one tree, children sorted by name', () => {
    const tree = treeOfPaths([
      [sys, c1, d1, { scopeType: 'project', scopeId: 'p1', name: 'p1' }],
      [sys, c1, d2],
      [sys, c1, d1],
    ]);
    expect(tree).toHaveLength(1);
    const cluster = tree[0]?.children[0];
    expect(cluster?.children.map((n) => n.scopeId)).toEqual(['d2', 'd1']);
    expect(cluster?.children[1]?.children.map((n) => n.scopeId)).toEqual(['p1']);
    expect(projectsOf(tree).map(({ project, reachedBy }) => [project.scopeId, [...reachedBy]])).toEqual([
      ['p1', ['system:system', 'cluster:c1', 'department:d1', 'project:p1']],
    ]);
  });
});

describe('scopesOfSet', () => {
  it('lists the scopes of a permitted set, system and tenants only when granted', () => {
    expect(
      scopesOfSet({ system: false, tenants: [], clusters: ['c1'], departments: ['d1'], projects: ['p1'] }).map((s) => `${s.scopeType}:${s.scopeId}`),
    ).toEqual(['cluster:c1', 'department:d1', 'project:p1']);
    expect(scopesOfSet(undefined)).toEqual([]);
  });
});
