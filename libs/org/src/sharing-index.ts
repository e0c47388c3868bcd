import { type DataVolume, type SharedScopeEntry, type ScopeType } from '@dv/contracts';
import { type ScopeNode, type ScopeTree } from './scope-tree';
import { type TombstoneLimits, Tombstones } from './tombstones';
import { type VolumeViewEvent } from './volume-view-events';

/** What sharing knows of a live volume (from the volume service's events). */
export interface SharedVolumeView {
  id: string;
  name: string;
  projectId: string;
  /** Where the origin project is (as the volume's last event said): for when the project is gone from the tree. */
  departmentId: string;
  clusterId: string;
  phase: DataVolume['status']['phase'];
  /** The volume's aggregate version of the last applied event. */
  version: number;
}

export interface Resolution {
  usable: boolean;
  reason: 'origin' | 'shared' | 'not-shared' | 'unknown-volume' | 'unknown-project';
  via?: { scopeType: ScopeType; scopeId: string };
  message: string;
}

export function scopeKey(type: ScopeType, id: string): string {
  return `${type}/${id}`;
}

/**
 * Volumes, sharing lists and the org tree in memory, with the reverse indexes that answer "is V
 * usable in P" and "which volumes are usable in P" in a few map lookups. Every change applies only
 * if newer (volume version, list version), so replays are harmless. A deleted volume leaves only a
 * bounded tombstone (its version), which also keeps a late event about its list out.
 */
export class SharingIndex {
  /** The live volumes. */
  readonly volumes = new Map<string, SharedVolumeView>();
  private readonly deleted: Tombstones;
  private readonly lists = new Map<string, { version: number; scopes: Map<string, SharedScopeEntry> }>();
  private readonly sharedWith = new Map<string, Set<string>>();
  private readonly originating = new Map<string, Set<string>>();

  constructor(
    readonly tree: ScopeTree,
    tombstones?: TombstoneLimits,
  ) {
    this.deleted = new Tombstones(tombstones);
  }

  /** How many deleted volumes are remembered (bounded). */
  get tombstones(): number {
    return this.deleted.size;
  }

  /** Applies what a domain event says about a volume or its list (volumeViewEventOf). */
  apply(event: VolumeViewEvent): boolean {
    return event.kind === 'volume'
      ? this.applyVolume(event.volume, event.deleted, event.at)
      : this.applyList(event.volumeId, event.scopes, event.version, event.at);
  }

  /** Applies a volume as an event carries it; `at` is the event's time (ms): the tombstones' policy (Tombstones.admits). */
  applyVolume(volume: DataVolume, deleted: boolean, at = Date.now()): boolean {
    const held = this.volumes.get(volume.id);
    if (!this.deleted.admits(volume.id, volume.version, deleted, held?.version, at)) return false;
    if (held) this.originating.get(held.projectId)?.delete(volume.id);
    if (deleted) {
      this.volumes.delete(volume.id);
      this.dropList(volume.id);
      this.deleted.add(volume.id, volume.version, at);
      return true;
    }
    this.deleted.delete(volume.id);
    this.volumes.set(volume.id, {
      id: volume.id,
      name: volume.name,
      projectId: volume.projectId,
      departmentId: volume.departmentId,
      clusterId: volume.clusterId,
      phase: volume.status.phase,
      version: volume.version,
    });
    let set = this.originating.get(volume.projectId);
    if (!set) this.originating.set(volume.projectId, (set = new Set()));
    set.add(volume.id);
    return true;
  }

  /**
   * Applies a sharing list as an event carries it (the whole list at that list version, made at `at`
   * ms); nothing for a deleted volume, or one not held that may have been deleted and forgotten.
   */
  applyList(volumeId: string, scopes: readonly SharedScopeEntry[], version: number, at = Date.now()): boolean {
    if (!this.volumes.has(volumeId) && !this.deleted.admitsAbout(volumeId, at)) return false;
    const held = this.lists.get(volumeId);
    if (held && held.version >= version) return false;
    for (const key of held?.scopes.keys() ?? []) this.unindex(key, volumeId);
    const next = new Map(scopes.map((s) => [scopeKey(s.scopeType, s.scopeId), s] as const));
    for (const key of next.keys()) {
      let set = this.sharedWith.get(key);
      if (!set) this.sharedWith.set(key, (set = new Set()));
      set.add(volumeId);
    }
    this.lists.set(volumeId, { version, scopes: next });
    return true;
  }

  private dropList(volumeId: string): void {
    for (const key of this.lists.get(volumeId)?.scopes.keys() ?? []) this.unindex(key, volumeId);
    this.lists.delete(volumeId);
  }

  private unindex(key: string, volumeId: string): void {
    const set = this.sharedWith.get(key);
    if (!set) return;
    set.delete(volumeId);
    if (set.size === 0) this.sharedWith.delete(key);
  }

  list(volumeId: string): SharedScopeEntry[] {
    return [...(this.lists.get(volumeId)?.scopes.values() ?? [])];
  }

  listVersion(volumeId: string): number {
    return this.lists.get(volumeId)?.version ?? 0;
  }

  liveVolume(volumeId: string): SharedVolumeView | undefined {
    return this.volumes.get(volumeId);
  }

  resolve(volumeId: string, projectId: string): Resolution {
    const volume = this.liveVolume(volumeId);
    if (!volume) return { usable: false, reason: 'unknown-volume', message: `data volume ${volumeId} does not exist` };
    const project = this.tree.live('project', projectId);
    if (!project) return { usable: false, reason: 'unknown-project', message: `project ${projectId} does not exist` };
    if (volume.projectId === projectId)
      return {
        usable: true,
        reason: 'origin',
        via: { scopeType: 'project', scopeId: projectId },
        message: `data volume ${volume.name} originates in project ${projectId}`,
      };
    const scopes = this.lists.get(volumeId)?.scopes;
    for (let n: ScopeNode | null = project; n && scopes; n = n.parent) {
      if (scopes.has(scopeKey(n.type, n.id))) {
        return {
          usable: true,
          reason: 'shared',
          via: { scopeType: n.type, scopeId: n.id },
          message: `data volume ${volume.name} is shared with ${n.type} ${n.id}${n === project ? '' : `, which contains project ${projectId}`}`,
        };
      }
    }
    return { usable: false, reason: 'not-shared', message: `data volume ${volume.name} is not shared with project ${projectId} or any scope above it` };
  }

  /**
   * The ids of the volumes usable in a project (originating there, or shared with it or a scope above
   * it), in id order, after `after`, at most `limit` (a page: one reply must stay under NATS's payload
   * limit); `more` when there are others after them.
   */
  usableVolumes(projectId: string, page: { after?: string | undefined; limit?: number | undefined } = {}): { volumeIds: string[]; more: boolean } {
    const project = this.tree.live('project', projectId);
    if (!project) return { volumeIds: [], more: false };
    const out = new Set<string>(this.originating.get(projectId) ?? []);
    for (let n: ScopeNode | null = project; n; n = n.parent) for (const id of this.sharedWith.get(scopeKey(n.type, n.id)) ?? []) out.add(id);
    const after = page.after;
    const ids = [...out].filter((id) => (after === undefined || id > after) && this.volumes.has(id)).sort();
    const limit = page.limit ?? ids.length;
    return { volumeIds: ids.slice(0, limit), more: ids.length > limit };
  }
}
