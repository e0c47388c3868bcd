import { type V1PersistentVolume } from '@kubernetes/client-node';
import { pvCopyOf, pvcCopyOf } from './copy-objects';
import { storageOf } from './origin-storage';

const origin: V1PersistentVolume = {
  metadata: { name: 'pv-imagenet' },
  spec: {
    capacity: { storage: '10Gi' },
    accessModes: ['ReadWriteMany'],
    persistentVolumeReclaimPolicy: 'Delete',
    storageClassName: 'nfs-fast',
    mountOptions: ['nfsvers=4.1'],
    claimRef: { namespace: 'runai-a', name: 'imagenet' },
    nfs: { server: '10.0.0.10', path: '/exports/imagenet' },
  },
};

describe('PV and PVC copies', () => {
  const storage = storageOf(origin);

  it('records the origin PV: source, capacity, storage class, access modes', () => {
    expect(storage).toEqual({
      originPvName: 'pv-imagenet',
      capacity: '10Gi',
      storageClassName: 'nfs-fast',
      accessModes: ['ReadWriteMany'],
      mountOptions: ['nfsvers=4.1'],
      source: { nfs: { server: '10.0.0.10', path: '/exports/imagenet' } },
    });
  });

  it('copies the PV read-only, Retain, pre-bound to the copy PVC, and the PVC names the copy', () => {
    const target = { volumeId: 'v1', storage, namespace: 'runai-a', pvName: 'dv-x-runai-a', pvcName: 'dv-x-imagenet' };
    const pv = pvCopyOf(target);
    expect(pv.spec).toEqual({
      nfs: { server: '10.0.0.10', path: '/exports/imagenet' },
      capacity: { storage: '10Gi' },
      accessModes: ['ReadOnlyMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'nfs-fast',
      mountOptions: ['nfsvers=4.1'],
      claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'runai-a', name: 'dv-x-imagenet' },
    });
    expect(pv.metadata?.labels).toMatchObject({ 'dv.platform/volume-id': 'v1' });
    expect(pvcCopyOf(target).spec).toEqual({
      accessModes: ['ReadOnlyMany'],
      storageClassName: 'nfs-fast',
      volumeName: 'dv-x-runai-a',
      resources: { requests: { storage: '10Gi' } },
    });
  });
});
