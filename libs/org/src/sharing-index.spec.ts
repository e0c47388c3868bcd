import { type DataVolume, type SharedScopeEntry } from '@dv/contracts';
import { ScopeTree } from './scope-tree';
import { SharingIndex } from './sharing-index';

function tree(): ScopeTree {
  const t = new ScopeTree();
  t.upsert({ type: 'tenant', id: 't1', name: 'T1', parent: { scopeType: 'system', scopeId: 'system' }, version: 1 });
  t.upsert({ type: 'cluster', id: 'c1', name: 'C1', parent: { scopeType: 'tenant', scopeId: 't1' }, version: 2 });
  t.upsert({ type: 'department', id: 'd1', name: 'D1', parent: { scopeType: 'cluster', scopeId: 'c1' }, version: 3 });
  t.upsert({ type: 'project', id: 'p1', name: 'P1', parent: { scopeType: 'department', scopeId: 'd1' }, version: 4 });
  t.upsert({ type: 'project', id: 'p2', name: 'P2', parent: { scopeType: 'department', scopeId: 'd1' }, version: 5 });
  return t;
}

function volume(id: string, version: number, projectId = 'p1'): DataVolume {
  return {
    id,
    name: `vol-${id}`,
    projectId,
    projectName: projectId,
    departmentId: 'd1',
    clusterId: 'c1',
    namespace: `ns-${projectId}`,
    originPvcName: 'pvc',
    useOriginalVolume: true,
    storage: { originPvName: 'pv', capacity: '1Gi', storageClassName: '', accessModes: ['ReadWriteMany'], source: { nfs: { server: 's', path: '/' } } },
    sharedScopes: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    createdBy: 'dana',
    updatedAt: '2025-01-01T00:00:00.000Z',
    updatedBy: 'dana',
    status: { phase: 'Ready', conditions: [] },
    version,
  };
}

const entry = (scopeType: 'cluster' | 'department' | 'project', scopeId: string): SharedScopeEntry => ({
  scopeType,
  scopeId,
  scopeName: scopeId,
  createdAt: '2025-01-01T00:00:00.000Z',
  createdBy: 'dana',
});

describe('SharingIndex', () => {
  it('pages the volumes usable in a project by id', () => {
    const index = new SharingIndex(tree());
    const ids = ['a1', 'b2', 'c3', 'd4', 'e5'];
    for (const id of ids) index.applyVolume(volume(id, 1, id === 'a1' ? 'p2' : 'p1'), false);
    index.applyList('a1', [entry('department', 'd1')], 1);
    expect(index.usableVolumes('p1')).toEqual({ volumeIds: ids, more: false });
    expect(index.usableVolumes('p1', { limit: 2 })).toEqual({ volumeIds: ['a1', 'b2'], more: true });
    expect(index.usableVolumes('p1', { after: 'b2', limit: 2 })).toEqual({ volumeIds: ['c3', 'd4'], more: true });
    expect(index.usableVolumes('p1', { after: 'd4', limit: 2 })).toEqual({ volumeIds: ['e5'], more: false });
    expect(index.usableVolumes('nope')).toEqual({ volumeIds: [], more: false });
  });

  it('forgets a deleted volume and its list, keeping only a bounded tombstone that refuses older events', () => {
    const index = new SharingIndex(tree(), { max: 2, retentionMs: 60_000 });
    index.applyVolume(volume('a', 2), false);
    index.applyList('a', [entry('project', 'p2')], 1);
    expect(index.resolve('a', 'p2')).toMatchObject({ usable: true, reason: 'shared' });
    expect(index.applyVolume(volume('a', 3), true, 1000)).toBe(true);
    expect(index.volumes.has('a')).toBe(false);
    expect(index.list('a')).toEqual([]);
    expect(index.applyList('a', [entry('project', 'p2')], 2)).toBe(false);
    expect(index.applyVolume(volume('a', 2), false)).toBe(false);
    expect(index.resolve('a', 'p2')).toMatchObject({ usable: false, reason: 'unknown-volume' });
    for (const id of ['b', 'c']) index.applyVolume(volume(id, 1), true, 2000);
    expect(index.tombstones).toBe(2);
  });
});
