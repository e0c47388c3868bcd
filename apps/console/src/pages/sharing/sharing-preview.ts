import { type ScopeNode, type ScopeRef, projectsOf, scopeKey } from '../scope-tree/scope-tree';

/** A workload that mounts the volume (GET /api/dv/v1/datavolumes/{id}/usage). */
export interface UsingWorkload {
  kind: string;
  name: string;
  namespace: string;
  projectId: string;
}

export interface SharingChange {
  add: ScopeRef[];
  remove: ScopeRef[];
}

export interface ProjectEffect {
  projectId: string;
  name: string;
  /** The workloads of that project using the volume now (those a removal would strand). */
  workloads: UsingWorkload[];
}

export interface SharingPreview {
  gain: ProjectEffect[];
  lose: ProjectEffect[];
}

/** The reference's limit on one change: at most 50 scopes added and 50 removed. */
export const MAX_SHARING_CHANGES = 50;

/**
 * What a change of the sharing list does before it is applied: which projects of the tree can use the
 * volume after and could not before (gain), and the reverse (lose), with the workloads using it in
 * each. A project can use it when it is the origin project or it or one of its ancestors is shared.
 */
export function previewSharing(input: {
  tree: readonly ScopeNode[];
  originProjectId: string;
  shared: readonly ScopeRef[];
  change: SharingChange;
  workloads: readonly UsingWorkload[];
}): SharingPreview {
  const before = new Set(input.shared.map(scopeKey));
  const after = new Set(before);
  for (const s of input.change.remove) after.delete(scopeKey(s));
  for (const s of input.change.add) after.add(scopeKey(s));
  const reaches = (set: Set<string>, reachedBy: Set<string>): boolean => [...reachedBy].some((k) => set.has(k));
  const preview: SharingPreview = { gain: [], lose: [] };
  for (const { project, reachedBy } of projectsOf(input.tree)) {
    if (project.scopeId === input.originProjectId) continue;
    const had = reaches(before, reachedBy);
    const has = reaches(after, reachedBy);
    if (had === has) continue;
    const effect = { projectId: project.scopeId, name: project.name, workloads: input.workloads.filter((w) => w.projectId === project.scopeId) };
    (has ? preview.gain : preview.lose).push(effect);
  }
  return preview;
}

/** Why a change cannot be sent as it is, or undefined. */
export function changeProblem(change: SharingChange): string | undefined {
  if (change.add.length === 0 && change.remove.length === 0) return 'Pick at least one scope to share with or to remove.';
  if (change.add.length > MAX_SHARING_CHANGES) return `At most ${MAX_SHARING_CHANGES} scopes can be added at once (${change.add.length} picked).`;
  if (change.remove.length > MAX_SHARING_CHANGES) return `At most ${MAX_SHARING_CHANGES} scopes can be removed at once (${change.remove.length} picked).`;
  return undefined;
}
