import { DvError } from '@dv/contracts';
import { type CoreV1Api, type V1ObjectMeta } from '@kubernetes/client-node';
import { KubeError } from '../kube-error';
import { isConflict, isNotFound } from '../kube-error-status';
import { type CopyTarget, pvCopyOf, pvcCopyOf } from './copy-objects';
import { VOLUME_ID_LABEL } from './volume-object-names';

/**
 * A data volume's PV copy and PVC in a namespace: made idempotently (a 409 on an object labelled
 * with this volume's id is "already made"; one labelled otherwise is CONFLICT) and released only
 * when labelled with this volume's id. Used by the volume service (its origin namespace) and by
 * workload admission (consuming namespaces).
 */
export class VolumeCopies {
  constructor(private readonly core: CoreV1Api) {}

  /** Creates the PV copy unless it exists; an object of that name that is not this volume's is CONFLICT. */
  async ensurePv(target: CopyTarget): Promise<'created' | 'exists'> {
    try {
      await this.core.createPersistentVolume({ body: pvCopyOf(target) });
      return 'created';
    } catch (error) {
      if (!isConflict(error)) throw KubeError.from(error, `create pv ${target.pvName}`);
    }
    const existing = await this.core.readPersistentVolume({ name: target.pvName }).catch((e: unknown) => {
      throw KubeError.from(e, `read pv ${target.pvName}`);
    });
    requireOurs(existing.metadata, target.volumeId, `pv '${target.pvName}'`);
    return 'exists';
  }

  async ensurePvc(target: CopyTarget): Promise<'created' | 'exists'> {
    try {
      await this.core.createNamespacedPersistentVolumeClaim({ namespace: target.namespace, body: pvcCopyOf(target) });
      return 'created';
    } catch (error) {
      if (!isConflict(error)) throw KubeError.from(error, `create pvc ${target.namespace}/${target.pvcName}`);
    }
    const existing = await this.core.readNamespacedPersistentVolumeClaim({ name: target.pvcName, namespace: target.namespace }).catch((e: unknown) => {
      throw KubeError.from(e, `read pvc ${target.namespace}/${target.pvcName}`);
    });
    requireOurs(existing.metadata, target.volumeId, `pvc '${target.pvcName}' in namespace '${target.namespace}'`);
    return 'exists';
  }

  /** Deletes the copy PVC, then the PV copy: only objects labelled with this volume's id; 404 is done. */
  async release(target: Pick<CopyTarget, 'volumeId' | 'namespace' | 'pvName' | 'pvcName'>): Promise<void> {
    const pvc = await this.core.readNamespacedPersistentVolumeClaim({ name: target.pvcName, namespace: target.namespace }).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw KubeError.from(e, `read pvc ${target.namespace}/${target.pvcName}`);
    });
    if (pvc && pvc.metadata?.labels?.[VOLUME_ID_LABEL] === target.volumeId) {
      await this.core.deleteNamespacedPersistentVolumeClaim({ name: target.pvcName, namespace: target.namespace }).catch((e: unknown) => {
        if (!isNotFound(e)) throw KubeError.from(e, `delete pvc ${target.namespace}/${target.pvcName}`);
      });
    }
    const pv = await this.core.readPersistentVolume({ name: target.pvName }).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw KubeError.from(e, `read pv ${target.pvName}`);
    });
    if (pv && pv.metadata?.labels?.[VOLUME_ID_LABEL] === target.volumeId) {
      await this.core.deletePersistentVolume({ name: target.pvName }).catch((e: unknown) => {
        if (!isNotFound(e)) throw KubeError.from(e, `delete pv ${target.pvName}`);
      });
    }
  }
}

function requireOurs(metadata: V1ObjectMeta | undefined, volumeId: string, what: string): void {
  const owner = metadata?.labels?.[VOLUME_ID_LABEL];
  if (owner !== volumeId) {
    throw DvError.conflict(`${what} already exists and ${owner ? `belongs to data volume ${owner}` : 'was not made by a data volume service'}`, {
      owner: owner ?? null,
    });
  }
}
