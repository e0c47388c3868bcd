import { type CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

export interface BoundPvcOptions {
  namespace: string;
  pvcName: string;
  pvName: string;
  /** Create the PV too (default true); false leaves the PVC pointing at a PV that does not exist. */
  withPv?: boolean;
  /** Mark the PVC Bound as the controller would (default true). */
  bound?: boolean;
}

/**
 * A PV with an NFS source and a PVC bound to it, marked Bound as a controller would: the bed has no
 * controllers, so tests play the PV binder (claimRef with the claim's uid, the claim Bound). The NFS
 * path is `/exports/<pvcName>`.
 */
export async function createBoundPvc(core: CoreV1Api, options: BoundPvcOptions): Promise<void> {
  const { namespace, pvcName, pvName } = options;
  if (options.withPv !== false) {
    await core.createPersistentVolume({
      body: {
        metadata: { name: pvName },
        spec: {
          capacity: { storage: '5Gi' },
          accessModes: ['ReadWriteMany'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: 'nfs-data',
          nfs: { server: '10.0.0.10', path: `/exports/${pvcName}` },
          claimRef: { namespace, name: pvcName },
        },
      },
    });
  }
  const pvc = await core.createNamespacedPersistentVolumeClaim({
    namespace,
    body: {
      metadata: { name: pvcName },
      spec: { accessModes: ['ReadWriteMany'], storageClassName: 'nfs-data', volumeName: pvName, resources: { requests: { storage: '5Gi' } } },
    },
  });
  if (options.bound !== false) {
    if (options.withPv !== false) {
      // The binder completes the PV's claimRef with the claim's uid: the PV is bound to this very claim.
      await core.patchPersistentVolume(
        { name: pvName, body: { spec: { claimRef: { namespace, name: pvcName, uid: pvc.metadata?.uid } } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
    await core.patchNamespacedPersistentVolumeClaimStatus(
      { name: pvcName, namespace, body: { status: { phase: 'Bound', accessModes: ['ReadWriteMany'], capacity: { storage: '5Gi' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }
}
