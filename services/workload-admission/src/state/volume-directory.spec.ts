import { type DataVolume } from '@dv/contracts';
import { VolumeDirectory } from './volume-directory';

const MIN = 60_000;
const T0 = Date.parse('2026-12-06T10:00:00Z');

function volume(id: string, version: number, phase: DataVolume['status']['phase'] = 'Ready'): DataVolume {
  const at = new Date(T0).toISOString();
  return {
    id,
    name: `vol-${id}`,
    projectId: 'p1',
    projectName: 'Project p1',
    departmentId: 'd1',
    clusterId: 'c1',
    namespace: 'dv-p1',
    originPvcName: 'dataset',
    useOriginalVolume: false,
    storage: {
      originPvName: 'pv-dataset',
      capacity: '1Gi',
      storageClassName: '',
      accessModes: ['ReadWriteMany'],
      source: { nfs: { server: 'nfs.local', path: '/data' } },
    },
    sharedScopes: [],
    createdAt: at,
    createdBy: 'dana',
    updatedAt: at,
    updatedBy: 'dana',
    status: { phase, conditions: [], datavolumePvcName: `copy-${id}` },
    version,
  };
}

describe('VolumeDirectory', () => {
  it('keeps live volumes; a deleted one leaves only a tombstone, and no copy PVC', () => {
    const d = new VolumeDirectory();
    d.apply(volume('a', 2), false, T0);
    expect(d.get('a')).toMatchObject({ phase: 'Ready', version: 2 });
    expect(d.copyPvcNamesIn('dv-p1')).toEqual(['copy-a']);
    expect(d.apply(volume('a', 3), true, T0 + MIN)).toBe(true);
    expect(d.get('a')).toBeUndefined();
    expect(d.copyPvcNamesIn('dv-p1')).toEqual([]);
    expect([d.size, d.tombstones]).toEqual([0, 1]);
  });

  it('keeps at most the bound of deleted volumes when more are deleted, by count and by age', () => {
    const byCount = new VolumeDirectory({ max: 3, retentionMs: 24 * 60 * MIN });
    const byAge = new VolumeDirectory({ max: 100, retentionMs: 10 * MIN });
    for (let i = 0; i < 10; i++) {
      for (const d of [byCount, byAge]) {
        d.apply(volume(`v${i}`, 1, 'Creating'), false, T0 + i * 5 * MIN);
        d.apply(volume(`v${i}`, 2), true, T0 + i * 5 * MIN + 1);
      }
      expect(byCount.tombstones).toBeLessThanOrEqual(3);
    }
    expect(byCount.tombstones).toBe(3);
    // Deletions 5 minutes apart, kept for 10 minutes before the newest: the newest three.
    expect(byAge.tombstones).toBe(3);
    expect(byCount.size + byAge.size).toBe(0);
  });

  it('does not bring back a deleted volume on a late event, remembered or forgotten; a new volume after that is known', () => {
    const d = new VolumeDirectory({ max: 2, retentionMs: 24 * 60 * MIN });
    d.apply(volume('gone', 1, 'Creating'), false, T0);
    d.apply(volume('gone', 2), false, T0 + 1);
    d.apply(volume('gone', 3), true, T0 + MIN);
    // Remembered: a late duplicate of its `ready` event is older than the deletion.
    expect(d.apply(volume('gone', 2), false, T0 + 1)).toBe(false);
    // Forgotten: two later deletions push its tombstone out.
    for (const id of ['x', 'y']) {
      d.apply(volume(id, 1), false, T0 + 2 * MIN);
      d.apply(volume(id, 2), true, T0 + 3 * MIN);
    }
    expect(d.tombstones).toBe(2);
    expect(d.apply(volume('gone', 2), false, T0 + 1)).toBe(false);
    expect(d.apply(volume('gone', 1, 'Creating'), false, T0)).toBe(false);
    expect(d.get('gone')).toBeUndefined();
    // A volume created after the forgotten deletion is new, and known.
    expect(d.apply(volume('fresh', 1, 'Creating'), false, T0 + 4 * MIN)).toBe(true);
    expect(d.get('fresh')).toMatchObject({ phase: 'Creating' });
  });
});
