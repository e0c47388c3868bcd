import { type DataVolume, type DataVolumePhase, type DataVolumeStorage } from '@dv/contracts';

/** What admission needs to know of a data volume, from the volume service's events. */
export interface VolumeView {
  id: string;
  name: string;
  projectId: string;
  /** The origin project's namespace: workloads there mount the volume's own PVC. */
  namespace: string;
  phase: DataVolumePhase;
  phaseMessage: string | undefined;
  storage: DataVolumeStorage;
  /** The PVC workloads of the origin namespace mount (the volume's copy, or the origin PVC itself). */
  ownPvcName: string | undefined;
  /** True when the own PVC is the volume's read-only copy (not the origin PVC, which its owners may write). */
  ownIsCopy: boolean;
  /** The volume event's aggregate version: older events are ignored. */
  version: number;
  deleted: boolean;
}

/**
 * Every data volume, kept current from the volume events (every replica follows the stream): the
 * readiness and storage a review needs, answered without a call to the volume service (whose reads
 * are authorized for people, and which would cost a round trip per volume).
 */
export class VolumeDirectory {
  private readonly volumes = new Map<string, VolumeView>();

  get(id: string): VolumeView | undefined {
    const view = this.volumes.get(id);
    return view && !view.deleted ? view : undefined;
  }

  /** Applies a volume as an event carries it; returns false for an event older than what is known. */
  apply(volume: DataVolume, deleted: boolean): boolean {
    const known = this.volumes.get(volume.id);
    if (known && (known.version > volume.version || (known.version === volume.version && known.deleted === deleted))) return false;
    this.volumes.set(volume.id, {
      id: volume.id,
      name: volume.name,
      projectId: volume.projectId,
      namespace: volume.namespace,
      phase: deleted ? 'Deleting' : volume.status.phase,
      phaseMessage: volume.status.phaseMessage,
      storage: volume.storage,
      ownPvcName: volume.status.datavolumePvcName,
      ownIsCopy: !volume.useOriginalVolume,
      version: volume.version,
      deleted,
    });
    return true;
  }

  /** The read-only copy PVCs volumes keep in their origin namespace. */
  copyPvcNamesIn(namespace: string): string[] {
    const names: string[] = [];
    for (const v of this.volumes.values()) if (!v.deleted && v.ownIsCopy && v.namespace === namespace && v.ownPvcName) names.push(v.ownPvcName);
    return names;
  }

  get size(): number {
    return this.volumes.size;
  }
}
