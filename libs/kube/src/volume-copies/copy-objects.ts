import { type DataVolumeStorage } from '@dv/contracts';
import { type V1PersistentVolume, type V1PersistentVolumeClaim, type V1PersistentVolumeSpec, type V1VolumeNodeAffinity } from '@kubernetes/client-node';
import { MANAGED_BY, MANAGED_BY_LABEL, VOLUME_ID_LABEL } from './volume-object-names';

export interface CopyTarget {
  volumeId: string;
  storage: DataVolumeStorage;
  /** Where the PVC lives (the consuming namespace). */
  namespace: string;
  pvName: string;
  pvcName: string;
  /** Which service owns the objects (their managed-by label): the volume service unless said. */
  managedBy?: string;
}

function labels(target: CopyTarget): Record<string, string> {
  return { [VOLUME_ID_LABEL]: target.volumeId, [MANAGED_BY_LABEL]: target.managedBy ?? MANAGED_BY };
}

/**
 * The volume's own PV: the origin's storage source, capacity and storage class, read-only for many,
 * Retain (deleting the copy never touches the data), pre-bound by claimRef to the copy PVC.
 */
export function pvCopyOf(target: CopyTarget): V1PersistentVolume {
  const { storage } = target;
  const spec: V1PersistentVolumeSpec = {
    ...(storage.source as Partial<V1PersistentVolumeSpec>),
    capacity: { storage: storage.capacity },
    accessModes: ['ReadOnlyMany'],
    persistentVolumeReclaimPolicy: 'Retain',
    storageClassName: storage.storageClassName,
    claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: target.namespace, name: target.pvcName },
  };
  if (storage.volumeMode) spec.volumeMode = storage.volumeMode;
  if (storage.mountOptions) spec.mountOptions = storage.mountOptions;
  if (storage.nodeAffinity) spec.nodeAffinity = storage.nodeAffinity as V1VolumeNodeAffinity;
  return { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: target.pvName, labels: labels(target) }, spec };
}

/** The PVC bound to the PV copy, in the consuming namespace. */
export function pvcCopyOf(target: CopyTarget): V1PersistentVolumeClaim {
  const { storage } = target;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: target.pvcName, namespace: target.namespace, labels: labels(target) },
    spec: {
      accessModes: ['ReadOnlyMany'],
      storageClassName: storage.storageClassName,
      volumeName: target.pvName,
      resources: { requests: { storage: storage.capacity } },
      ...(storage.volumeMode ? { volumeMode: storage.volumeMode } : {}),
    },
  };
}
