import { DvError, type DataVolumeStorage } from '@dv/contracts';
import { KubeError, type KubeClients, isConflict, isNotFound } from '@dv/kube';
import { type V1ObjectMeta } from '@kubernetes/client-node';
import { Inject, Injectable } from '@nestjs/common';
import { KUBE_CLIENTS } from '../tokens';
import { type CopyTarget, pvCopyOf, pvcCopyOf } from './copy-objects';
import { storageOf } from './origin-storage';
import { VOLUME_ID_LABEL } from './volume-object-names';

export interface OriginPvc {
  pvName: string;
  storage: DataVolumeStorage;
}

/** Every Kubernetes call of the volume service. Failures are KubeError (a DvError with the API server's words). */
@Injectable()
export class VolumeKube {
  constructor(@Inject(KUBE_CLIENTS) private readonly kube: KubeClients) {}

  /**
   * The origin PVC must exist in the project's namespace, be Bound, and its PV must exist.
   * NOT_FOUND for a missing PVC; PRECONDITION_FAILED for one not Bound or whose PV is gone.
   */
  async inspectOrigin(namespace: string, pvcName: string, projectId: string): Promise<OriginPvc> {
    let pvc;
    try {
      pvc = await this.kube.core.readNamespacedPersistentVolumeClaim({ name: pvcName, namespace });
    } catch (error) {
      if (isNotFound(error)) {
        throw DvError.notFound(`pvc '${pvcName}' does not exist in namespace '${namespace}' of project ${projectId}`, { originPvcName: pvcName, namespace });
      }
      throw KubeError.from(error, `read pvc ${namespace}/${pvcName}`);
    }
    const pvName = pvc.spec?.volumeName;
    if (pvc.status?.phase !== 'Bound' || !pvName) {
      throw DvError.precondition(`pvc '${pvcName}' in namespace '${namespace}' is not Bound (phase ${pvc.status?.phase ?? 'unknown'})`, {
        originPvcName: pvcName,
        namespace,
        phase: pvc.status?.phase ?? null,
      });
    }
    try {
      const pv = await this.kube.core.readPersistentVolume({ name: pvName });
      return { pvName, storage: storageOf(pv) };
    } catch (error) {
      if (isNotFound(error)) {
        throw DvError.precondition(`pv '${pvName}' bound to pvc '${pvcName}' in namespace '${namespace}' does not exist`, { originPvcName: pvcName, namespace, pvName });
      }
      throw KubeError.from(error, `read pv ${pvName}`);
    }
  }

  /** Creates the PV copy unless it exists; an object of that name that is not this volume's is CONFLICT. */
  async ensurePvCopy(target: CopyTarget): Promise<'created' | 'exists'> {
    try {
      await this.kube.core.createPersistentVolume({ body: pvCopyOf(target) });
      return 'created';
    } catch (error) {
      if (!isConflict(error)) throw KubeError.from(error, `create pv ${target.pvName}`);
    }
    const existing = await this.kube.core.readPersistentVolume({ name: target.pvName }).catch((e: unknown) => {
      throw KubeError.from(e, `read pv ${target.pvName}`);
    });
    this.requireOurs(existing.metadata, target.volumeId, `pv '${target.pvName}'`);
    return 'exists';
  }

  async ensurePvcCopy(target: CopyTarget): Promise<'created' | 'exists'> {
    try {
      await this.kube.core.createNamespacedPersistentVolumeClaim({ namespace: target.namespace, body: pvcCopyOf(target) });
      return 'created';
    } catch (error) {
      if (!isConflict(error)) throw KubeError.from(error, `create pvc ${target.namespace}/${target.pvcName}`);
    }
    const existing = await this.kube.core.readNamespacedPersistentVolumeClaim({ name: target.pvcName, namespace: target.namespace }).catch((e: unknown) => {
      throw KubeError.from(e, `read pvc ${target.namespace}/${target.pvcName}`);
    });
    this.requireOurs(existing.metadata, target.volumeId, `pvc '${target.pvcName}' in namespace '${target.namespace}'`);
    return 'exists';
  }

  /** Deletes the copy PVC, then the PV copy: only objects labelled with this volume's id; 404 is done. */
  async releaseCopies(target: Pick<CopyTarget, 'volumeId' | 'namespace' | 'pvName' | 'pvcName'>): Promise<void> {
    const pvc = await this.kube.core.readNamespacedPersistentVolumeClaim({ name: target.pvcName, namespace: target.namespace }).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw KubeError.from(e, `read pvc ${target.namespace}/${target.pvcName}`);
    });
    if (pvc && pvc.metadata?.labels?.[VOLUME_ID_LABEL] === target.volumeId) {
      await this.kube.core.deleteNamespacedPersistentVolumeClaim({ name: target.pvcName, namespace: target.namespace }).catch((e: unknown) => {
        if (!isNotFound(e)) throw KubeError.from(e, `delete pvc ${target.namespace}/${target.pvcName}`);
      });
    }
    const pv = await this.kube.core.readPersistentVolume({ name: target.pvName }).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw KubeError.from(e, `read pv ${target.pvName}`);
    });
    if (pv && pv.metadata?.labels?.[VOLUME_ID_LABEL] === target.volumeId) {
      await this.kube.core.deletePersistentVolume({ name: target.pvName }).catch((e: unknown) => {
        if (!isNotFound(e)) throw KubeError.from(e, `delete pv ${target.pvName}`);
      });
    }
  }

  private requireOurs(metadata: V1ObjectMeta | undefined, volumeId: string, what: string): void {
    const owner = metadata?.labels?.[VOLUME_ID_LABEL];
    if (owner !== volumeId) {
      throw DvError.conflict(`${what} already exists and ${owner ? `belongs to data volume ${owner}` : 'was not made by the volume service'}`, { owner: owner ?? null });
    }
  }
}
