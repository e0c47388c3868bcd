import { type DataVolume, type SharedScopeEntry } from '@dv/contracts';
import { ScopeTree } from './scope-tree';
import { SharingIndex } from './sharing-index';

/**
 *   system ─ t1 ─ c1 ─┬─ d1 ─┬─ p1
 *                     │      └─ p2
 *                     └─ d2 ─── p3
 */
function org(): ScopeTree {
  const tree = new ScopeTree();
  tree.upsert({ type: 'tenant', id: 't1', name: 'T1', parent: { scopeType: 'system', scopeId: 'system' }, version: 1 });
  tree.upsert({ type: 'cluster', id: 'c1', name: 'C1', parent: { scopeType: 'tenant', scopeId: 't1' }, version: 2 });
  tree.upsert({ type: 'department', id: 'd1', name: 'D1', parent: { scopeType: 'cluster', scopeId: 'c1' }, version: 3 });
  tree.upsert({ type: 'department', id: 'd2', name: 'D2', parent: { scopeType: 'cluster', scopeId: 'c1' }, version: 4 });
  tree.upsert({ type: 'project', id: 'p1', name: 'P1', parent: { scopeType: 'department', scopeId: 'd1' }, version: 5 });
  tree.upsert({ type: 'project', id: 'p2', name: 'P2', parent: { scopeType: 'department', scopeId: 'd1' }, version: 6 });
  tree.upsert({ type: 'project', id: 'p3', name: 'P3', parent: { scopeType: 'department', scopeId: 'd2' }, version: 7 });
  return tree;
}

function volume(id: string, projectId: string, version: number, phase: DataVolume['status']['phase'] = 'Ready'): DataVolume {
  return {
    id,
    name: `vol-${id}`,
    projectId,
    projectName: projectId,
    departmentId: 'd1',
    clusterId: 'c1',
    namespace: `ns-${projectId}`,
    originPvcName: 'origin',
    useOriginalVolume: false,
    storage: { originPvName: 'pv', capacity: '1Gi', storageClassName: '', accessModes: ['ReadWriteMany'], source: {} },
    sharedScopes: [],
    createdAt: '2026-01-01T00:00:00Z',
    createdBy: 'root',
    updatedAt: '2026-01-01T00:00:00Z',
    updatedBy: 'root',
    status: { phase, conditions: [] },
    version,
  };
}

const entry = (scopeType: SharedScopeEntry['scopeType'], scopeId: string): SharedScopeEntry => ({
  scopeType,
  scopeId,
  scopeName: scopeId,
  createdAt: '2026-01-01T00:00:00Z',
  createdBy: 'root',
});

describe('SharingIndex: resolving usability', () => {
  it('makes a volume usable in its origin project only, until it is shared', () => {
    const index = new SharingIndex(org());
    index.applyVolume(volume('v1', 'p1', 1), false);
    expect(index.resolve('v1', 'p1')).toMatchObject({ usable: true, reason: 'origin' });
    expect(index.resolve('v1', 'p2')).toMatchObject({ usable: false, reason: 'not-shared' });
  });

  it('makes a volume shared with a department usable in every project below it, and nowhere else', () => {
    const index = new SharingIndex(org());
    index.applyVolume(volume('v1', 'p1', 1), false);
    index.applyList('v1', [entry('department', 'd1')], 1);
    expect(index.resolve('v1', 'p2')).toMatchObject({ usable: true, reason: 'shared', via: { scopeType: 'department', scopeId: 'd1' } });
    expect(index.resolve('v1', 'p3')).toMatchObject({ usable: false, reason: 'not-shared' });
    expect(index.usableVolumes('p2').volumeIds).toEqual(['v1']);
    expect(index.usableVolumes('p3').volumeIds).toEqual([]);
  });

  it('tells an unknown volume from an unknown project', () => {
    const index = new SharingIndex(org());
    index.applyVolume(volume('v1', 'p1', 1), false);
    expect(index.resolve('nope', 'p1')).toMatchObject({ usable: false, reason: 'unknown-volume' });
    expect(index.resolve('v1', 'p404')).toMatchObject({ usable: false, reason: 'unknown-project' });
  });

  it('ignores an older sharing list (replays and redeliveries never move it backwards)', () => {
    const index = new SharingIndex(org());
    index.applyVolume(volume('v1', 'p1', 1), false);
    expect(index.applyList('v1', [entry('project', 'p2'), entry('project', 'p3')], 3)).toBe(true);
    expect(index.applyList('v1', [entry('project', 'p2')], 2)).toBe(false);
    expect(index.applyList('v1', [entry('project', 'p2'), entry('project', 'p3')], 3)).toBe(false);
    expect(index.resolve('v1', 'p3').usable).toBe(true);
    // Unsharing (a newer, shorter list) takes the scope out of the reverse index too.
    expect(index.applyList('v1', [entry('project', 'p2')], 4)).toBe(true);
    expect(index.resolve('v1', 'p3').usable).toBe(false);
    expect(index.usableVolumes('p3').volumeIds).toEqual([]);
    expect(index.listVersion('v1')).toBe(4);
  });

  it('ignores an older volume event, and forgets a deleted volume and its list for good', () => {
    const index = new SharingIndex(org());
    index.applyVolume(volume('v1', 'p1', 2, 'Ready'), false);
    expect(index.applyVolume(volume('v1', 'p1', 1, 'Creating'), false)).toBe(false);
    expect(index.liveVolume('v1')?.phase).toBe('Ready');
    index.applyList('v1', [entry('project', 'p2')], 1);
    expect(index.applyVolume(volume('v1', 'p1', 3), true)).toBe(true);
    expect(index.resolve('v1', 'p1')).toMatchObject({ usable: false, reason: 'unknown-volume' });
    expect(index.list('v1')).toEqual([]);
    // A late sharing event or an older volume event cannot bring it back.
    expect(index.applyList('v1', [entry('project', 'p2')], 2)).toBe(false);
    expect(index.applyVolume(volume('v1', 'p1', 2), false)).toBe(false);
    expect(index.usableVolumes('p1').volumeIds).toEqual([]);
    expect(index.usableVolumes('p2').volumeIds).toEqual([]);
  });

  it('follows the org: a deleted project resolves as unknown, a project moved to another department follows its new parent', () => {
    const tree = org();
    const index = new SharingIndex(tree);
    index.applyVolume(volume('v1', 'p1', 1), false);
    index.applyList('v1', [entry('department', 'd2')], 1);
    expect(index.resolve('v1', 'p2').usable).toBe(false);
    tree.upsert({ type: 'project', id: 'p2', name: 'P2', parent: { scopeType: 'department', scopeId: 'd2' }, version: 10 });
    expect(index.resolve('v1', 'p2')).toMatchObject({ usable: true, via: { scopeType: 'department', scopeId: 'd2' } });
    tree.remove('project', 'p3', 11);
    expect(index.resolve('v1', 'p3')).toMatchObject({ usable: false, reason: 'unknown-project' });
  });
});
