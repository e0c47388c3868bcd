import { type V1PersistentVolume } from '@kubernetes/client-node';

/** The claim a PV must be bound to: a PVC's namespace, name and (when known) uid. */
export interface ClaimIdentity {
  namespace: string;
  name: string;
  /** Unknown when the claim itself is gone: then only its namespace and name are compared. */
  uid?: string;
}

/**
 * Why the PV is not bound to exactly this claim, or undefined when it is. A PV is the claim's only
 * when its claimRef names the claim's namespace and name and carries its uid (what the PV binder
 * writes): a PVC naming someone else's PV, or a PV bound to an earlier claim of the same name, would
 * otherwise expose data that is not the claim's.
 */
export function claimBindingProblem(pv: V1PersistentVolume, claim: ClaimIdentity): string | undefined {
  const pvName = pv.metadata?.name ?? '';
  const ref = pv.spec?.claimRef;
  const wanted = `pvc '${claim.namespace}/${claim.name}'`;
  if (!ref?.name || !ref.namespace) return `pv '${pvName}' is not bound to any claim, not to ${wanted}`;
  if (ref.namespace !== claim.namespace || ref.name !== claim.name) return `pv '${pvName}' is bound to pvc '${ref.namespace}/${ref.name}', not to ${wanted}`;
  if (claim.uid === undefined) return undefined;
  if (!ref.uid) return `pv '${pvName}' names ${wanted} but is not bound to it yet (its claimRef has no uid)`;
  if (ref.uid !== claim.uid)
    return `pv '${pvName}' is bound to another claim named '${claim.namespace}/${claim.name}' (uid ${ref.uid}), not to this one (uid ${claim.uid})`;
  return undefined;
}
