import { DvError, type DataVolumeStorage, type OriginPvcSummary } from '@dv/contracts';
import { type CopyTarget, KubeError, type KubeClients, VOLUME_ID_LABEL, VolumeCopies, claimBindingProblem, isNotFound, storageOf } from '@dv/kube';
import { Inject, Injectable } from '@nestjs/common';
import { KUBE_CLIENTS } from '../tokens';

/** details.reason of a PRECONDITION_FAILED whose origin PV is bound to another claim. */
export const PV_BOUND_ELSEWHERE = 'PvBoundElsewhere';

export interface OriginPvc {
  pvName: string;
  storage: DataVolumeStorage;
}

/** Every Kubernetes call of the volume service. Failures are KubeError (a DvError with the API server's words). */
@Injectable()
export class VolumeKube {
  private readonly copies: VolumeCopies;

  constructor(@Inject(KUBE_CLIENTS) private readonly kube: KubeClients) {
    this.copies = new VolumeCopies(kube.core);
  }

  /**
   * The origin PVC must exist in the project's namespace, be Bound, and its PV must exist and be
   * bound to this very claim (its claimRef names the PVC's namespace, name and uid): a PVC that names
   * someone else's PV must not become a volume of someone else's data.
   * NOT_FOUND for a missing PVC; PRECONDITION_FAILED for one not Bound, whose PV is gone, or whose PV
   * belongs to another claim (details.reason `PvBoundElsewhere`).
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
    let pv;
    try {
      pv = await this.kube.core.readPersistentVolume({ name: pvName });
    } catch (error) {
      if (isNotFound(error)) {
        throw DvError.precondition(`pv '${pvName}' bound to pvc '${pvcName}' in namespace '${namespace}' does not exist`, {
          originPvcName: pvcName,
          namespace,
          pvName,
        });
      }
      throw KubeError.from(error, `read pv ${pvName}`);
    }
    const problem = claimBindingProblem(pv, { namespace, name: pvcName, uid: pvc.metadata?.uid ?? '' });
    if (problem) throw DvError.precondition(problem, { originPvcName: pvcName, namespace, pvName, reason: PV_BOUND_ELSEWHERE });
    return { pvName, storage: storageOf(pv) };
  }

  /**
   * The PVCs of a namespace a volume can be made from, by name: Bound to a PV, and not one of the
   * platform's own copies (labelled with a volume id), which are never an origin. Create still checks
   * the PV's claimRef (inspectOrigin): this list is a picker, not the authority.
   */
  async boundClaims(namespace: string): Promise<OriginPvcSummary[]> {
    let claims;
    try {
      claims = await this.kube.core.listNamespacedPersistentVolumeClaim({ namespace, labelSelector: `!${VOLUME_ID_LABEL}` });
    } catch (error) {
      throw KubeError.from(error, `list pvcs in ${namespace}`);
    }
    const bound: OriginPvcSummary[] = [];
    for (const pvc of claims.items) {
      const name = pvc.metadata?.name;
      const volumeName = pvc.spec?.volumeName;
      if (pvc.status?.phase !== 'Bound' || !name || !volumeName) continue;
      const created = pvc.metadata?.creationTimestamp;
      bound.push({
        name,
        capacity: String(pvc.status.capacity?.['storage'] ?? pvc.spec?.resources?.requests?.['storage'] ?? ''),
        storageClassName: pvc.spec?.storageClassName ?? '',
        volumeName,
        ...(created ? { createdAt: new Date(created).toISOString() } : {}),
      });
    }
    return bound.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Why the origin PV a volume copied is no longer bound to the volume's origin claim, or undefined
   * when it still is, or when that cannot be told now (the PV or the claim is gone: other checks say
   * so; the API server does not answer: not evidence of anything).
   */
  async originRebound(namespace: string, pvcName: string, pvName: string): Promise<string | undefined> {
    if (!pvName) return undefined;
    try {
      const pv = await this.kube.core.readPersistentVolume({ name: pvName });
      const pvc = await this.kube.core.readNamespacedPersistentVolumeClaim({ name: pvcName, namespace }).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      const uid = pvc?.metadata?.uid;
      return claimBindingProblem(pv, { namespace, name: pvcName, ...(uid ? { uid } : {}) });
    } catch {
      return undefined;
    }
  }

  /** Creates the PV copy unless it exists; an object of that name that is not this volume's is CONFLICT. */
  async ensurePvCopy(target: CopyTarget): Promise<'created' | 'exists'> {
    return this.copies.ensurePv(target);
  }

  async ensurePvcCopy(target: CopyTarget): Promise<'created' | 'exists'> {
    return this.copies.ensurePvc(target);
  }

  /** Deletes the copy PVC, then the PV copy: only objects labelled with this volume's id; 404 is done. */
  async releaseCopies(target: Pick<CopyTarget, 'volumeId' | 'namespace' | 'pvName' | 'pvcName'>): Promise<void> {
    await this.copies.release(target);
  }
}
