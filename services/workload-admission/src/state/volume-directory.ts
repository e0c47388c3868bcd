import { type DataVolume, type DataVolumePhase, type DataVolumeStorage } from '@dv/contracts';
import { type TombstoneLimits, Tombstones } from '@dv/org';

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
}

/**
 * Every live data volume, kept current from the volume events (every replica follows the stream): the
 * readiness and storage a review needs, answered without a call to the volume service (whose reads
 * are authorized for people, and which would cost a round trip per volume). A deleted volume leaves
 * only a bounded tombstone (the one policy of `Tombstones`, as in the sharing index and the volume
 * service's read model): a late event about it, or about one deleted and forgotten, brings nothing back.
 */
export class VolumeDirectory {
  private readonly volumes = new Map<string, VolumeView>();
  private readonly deleted: Tombstones;

  constructor(tombstones?: TombstoneLimits) {
    this.deleted = new Tombstones(tombstones);
  }

  get(id: string): VolumeView | undefined {
    return this.volumes.get(id);
  }

  /**
   * Applies a volume as an event carries it (`at`: the event's time, ms); returns false for an event
   * not newer than what is known, or about a volume deleted (and perhaps forgotten) before.
   */
  apply(volume: DataVolume, deleted: boolean, at = Date.now()): boolean {
    const held = this.volumes.get(volume.id);
    if (!this.deleted.admits(volume.id, volume.version, deleted, held?.version, at)) return false;
    if (deleted) {
      this.volumes.delete(volume.id);
      this.deleted.add(volume.id, volume.version, at);
      return true;
    }
    this.deleted.delete(volume.id);
    this.volumes.set(volume.id, {
      id: volume.id,
      name: volume.name,
      projectId: volume.projectId,
      namespace: volume.namespace,
      phase: volume.status.phase,
      phaseMessage: volume.status.phaseMessage,
      storage: volume.storage,
      ownPvcName: volume.status.datavolumePvcName,
      ownIsCopy: !volume.useOriginalVolume,
      version: volume.version,
    });
    return true;
  }

  /** The read-only copy PVCs volumes keep in their origin namespace. */
  copyPvcNamesIn(namespace: string): string[] {
    const names: string[] = [];
    for (const v of this.volumes.values()) if (v.ownIsCopy && v.namespace === namespace && v.ownPvcName) names.push(v.ownPvcName);
    return names;
  }

  /** The live volumes. */
  get size(): number {
    return this.volumes.size;
  }

  /** How many deleted volumes are remembered (bounded by the tombstone limits). */
  get tombstones(): number {
    return this.deleted.size;
  }
}
