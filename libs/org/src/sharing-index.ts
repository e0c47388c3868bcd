import { type DataVolume, type SharedScopeEntry, type ScopeType } from '@dv/contracts';
import { type ScopeNode, type ScopeTree } from './scope-tree';

/** What sharing knows of a volume (from the volume service's events). */
export interface SharedVolumeView {
  id: string;
  name: string;
  projectId: string;
  phase: DataVolume['status']['phase'];
  /** The volume's aggregate version of the last applied event. */
  version: number;
  deleted: boolean;
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
 * if newer (volume version, list version), so replays are harmless.
 */
export class SharingIndex {
  readonly volumes = new Map<string, SharedVolumeView>();
  private readonly lists = new Map<string, { version: number; scopes: Map<string, SharedScopeEntry> }>();
  private readonly sharedWith = new Map<string, Set<string>>();
  private readonly originating = new Map<string, Set<string>>();

  constructor(readonly tree: ScopeTree) {}

  applyVolume(volume: DataVolume, deleted: boolean): boolean {
    const held = this.volumes.get(volume.id);
    if (held && held.version >= volume.version && !(deleted && !held.deleted)) return false;
    if (held && held.projectId !== volume.projectId) this.originating.get(held.projectId)?.delete(volume.id);
    this.volumes.set(volume.id, { id: volume.id, name: volume.name, projectId: volume.projectId, phase: volume.status.phase, version: volume.version, deleted });
    if (deleted) {
      this.originating.get(volume.projectId)?.delete(volume.id);
      this.applyList(volume.id, [], Number.MAX_SAFE_INTEGER);
    } else {
      let set = this.originating.get(volume.projectId);
      if (!set) this.originating.set(volume.projectId, (set = new Set()));
      set.add(volume.id);
    }
    return true;
  }

  applyList(volumeId: string, scopes: readonly SharedScopeEntry[], version: number): boolean {
    const held = this.lists.get(volumeId);
    if (held && held.version >= version) return false;
    for (const key of held?.scopes.keys() ?? []) this.sharedWith.get(key)?.delete(volumeId);
    const next = new Map(scopes.map((s) => [scopeKey(s.scopeType, s.scopeId), s] as const));
    for (const key of next.keys()) {
      let set = this.sharedWith.get(key);
      if (!set) this.sharedWith.set(key, (set = new Set()));
      set.add(volumeId);
    }
    this.lists.set(volumeId, { version, scopes: next });
    return true;
  }

  list(volumeId: string): SharedScopeEntry[] {
    return [...(this.lists.get(volumeId)?.scopes.values() ?? [])];
  }

  listVersion(volumeId: string): number {
    return this.lists.get(volumeId)?.version ?? 0;
  }

  liveVolume(volumeId: string): SharedVolumeView | undefined {
    const v = this.volumes.get(volumeId);
    return v && !v.deleted ? v : undefined;
  }

  resolve(volumeId: string, projectId: string): Resolution {
    const volume = this.liveVolume(volumeId);
    if (!volume) return { usable: false, reason: 'unknown-volume', message: `data volume ${volumeId} does not exist` };
    const project = this.tree.live('project', projectId);
    if (!project) return { usable: false, reason: 'unknown-project', message: `project ${projectId} does not exist` };
    if (volume.projectId === projectId) return { usable: true, reason: 'origin', via: { scopeType: 'project', scopeId: projectId }, message: `data volume ${volume.name} originates in project ${projectId}` };
    const scopes = this.lists.get(volumeId)?.scopes;
    for (let n: ScopeNode | null = project; n && scopes; n = n.parent) {
      if (scopes.has(scopeKey(n.type, n.id))) {
        return { usable: true, reason: 'shared', via: { scopeType: n.type, scopeId: n.id }, message: `data volume ${volume.name} is shared with ${n.type} ${n.id}${n === project ? '' : `, which contains project ${projectId}`}` };
      }
    }
    return { usable: false, reason: 'not-shared', message: `data volume ${volume.name} is not shared with project ${projectId} or any scope above it` };
  }

  usableVolumes(projectId: string): string[] {
    const project = this.tree.live('project', projectId);
    if (!project) return [];
    const out = new Set<string>(this.originating.get(projectId) ?? []);
    for (let n: ScopeNode | null = project; n; n = n.parent) for (const id of this.sharedWith.get(scopeKey(n.type, n.id)) ?? []) out.add(id);
    return [...out].filter((id) => this.liveVolume(id)).sort();
  }
}
