import { type ScopePathEntry, treeOfPaths } from '../scope-tree/scope-tree';
import { changeProblem, previewSharing } from './sharing-preview';

const sys: ScopePathEntry = { scopeType: 'system', scopeId: 'system', name: 'system' };
const t1: ScopePathEntry = { scopeType: 'tenant', scopeId: 't1', name: 'acme' };
const c1: ScopePathEntry = { scopeType: 'cluster', scopeId: 'c1', name: 'main' };
const d1: ScopePathEntry = { scopeType: 'department', scopeId: 'd1', name: 'research' };
const d2: ScopePathEntry = { scopeType: 'department', scopeId: 'd2', name: 'vision' };
const p = (id: string, dept: ScopePathEntry): ScopePathEntry[] => [sys, t1, c1, dept, { scopeType: 'project', scopeId: id, name: `project ${id}` }];
const tree = treeOfPaths([p('p1', d1), p('p2', d1), p('p3', d2)]);

describe('previewSharing', () => {
  it('names the projects that gain the volume through a department, not the origin project', () => {
    const preview = previewSharing({
      tree,
      originProjectId: 'p1',
      shared: [],
      change: { add: [{ scopeType: 'department', scopeId: 'd1' }], remove: [] },
      workloads: [],
    });
    expect(preview).toEqual({ gain: [{ projectId: 'p2', name: 'project p2', workloads: [] }], lose: [] });
  });

  it('names the projects that lose it with the workloads using it there, and none still reached through another scope', () => {
    const workloads = [
      { kind: 'Pod', name: 'train', namespace: 'ns-p3', projectId: 'p3' },
      { kind: 'Pod', name: 'other', namespace: 'ns-p2', projectId: 'p2' },
    ];
    const preview = previewSharing({
      tree,
      originProjectId: 'p1',
      shared: [
        { scopeType: 'cluster', scopeId: 'c1' },
        { scopeType: 'project', scopeId: 'p2' },
      ],
      change: { add: [], remove: [{ scopeType: 'cluster', scopeId: 'c1' }] },
      workloads,
    });
    expect(preview).toEqual({ gain: [], lose: [{ projectId: 'p3', name: 'project p3', workloads: [workloads[0]] }] });
  });
});

describe('changeProblem', () => {
  it('refuses an empty change and more than 50 of either kind', () => {
    const scope = { scopeType: 'project' as const, scopeId: 'p' };
    expect(changeProblem({ add: [], remove: [] })).toMatch(/at least one/);
    expect(changeProblem({ add: Array.from({ length: 51 }, () => scope), remove: [] })).toMatch(/At most 50/);
    expect(changeProblem({ add: [], remove: Array.from({ length: 51 }, () => scope) })).toMatch(/At most 50/);
    expect(changeProblem({ add: Array.from({ length: 50 }, () => scope), remove: [scope] })).toBeUndefined();
  });
});
