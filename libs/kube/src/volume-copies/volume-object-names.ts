/** Label every Kubernetes object the volume service creates carries: the volume's id. */
export const VOLUME_ID_LABEL = 'dv.platform/volume-id';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'dv-volume';

/**
 * Deterministic names of a volume's own objects, from its id, so every reconcile (any replica, after
 * any crash) aims at the same objects and a 409 means "already made". `dv-<id8>-<volume name>` for
 * the PVC (readable in `kubectl get pvc`), `dv-<id8>-<namespace>` for the PV copy (cluster-scoped,
 * one per consuming namespace once sharing exists).
 */
export function copyNames(volumeId: string, volumeName: string, namespace: string): { pvName: string; pvcName: string } {
  const id8 = volumeId.replace(/-/g, '').slice(0, 8).toLowerCase();
  return { pvName: trimName(`dv-${id8}-${namespace}`), pvcName: trimName(`dv-${id8}-${volumeName}`) };
}

/** Kubernetes names: at most 253 characters, ending in an alphanumeric. */
function trimName(name: string): string {
  return name.slice(0, 253).replace(/[-.]+$/, '');
}
