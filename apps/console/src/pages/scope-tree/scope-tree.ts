/** The kinds of scope the org is made of, from the top. */
export type ScopeType = 'system' | 'tenant' | 'cluster' | 'department' | 'project';

export interface ScopeRef {
  scopeType: ScopeType;
  scopeId: string;
}

/** One step of a scope's path as /api/dv/v1/check answers it (system first). */
export interface ScopePathEntry extends ScopeRef {
  name: string;
}

export interface ScopeNode extends ScopePathEntry {
  children: ScopeNode[];
}

/** The flat sets /api/v1/authorization/permitted-scopes answers per action. */
export interface PermittedScopeSet {
  system: boolean;
  tenants: string[];
  clusters: string[];
  departments: string[];
  projects: string[];
}

export function scopeKey(scope: ScopeRef): string {
  return `${scope.scopeType}:${scope.scopeId}`;
}

/** Every scope of a permitted set, as refs (the system and tenants too, when granted). */
export function scopesOfSet(set: PermittedScopeSet | undefined): ScopeRef[] {
  if (set === undefined) return [];
  return [
    ...(set.system ? [{ scopeType: 'system' as const, scopeId: 'system' }] : []),
    ...set.tenants.map((scopeId) => ({ scopeType: 'tenant' as const, scopeId })),
    ...set.clusters.map((scopeId) => ({ scopeType: 'cluster' as const, scopeId })),
    ...set.departments.map((scopeId) => ({ scopeType: 'department' as const, scopeId })),
    ...set.projects.map((scopeId) => ({ scopeType: 'project' as const, scopeId })),
  ];
}

/**
 * A tree from scope paths (each from the system down to its scope): the public API has no call that
 * lists the org, but every check answers its scope's path with names, so the paths of the permitted
 * scopes are the tree. Children sorted by name.
 */
export function treeOfPaths(paths: readonly (readonly ScopePathEntry[])[]): ScopeNode[] {
  const roots: ScopeNode[] = [];
  const byKey = new Map<string, ScopeNode>();
  for (const path of paths) {
    let siblings = roots;
    for (const step of path) {
      const key = scopeKey(step);
      let node = byKey.get(key);
      if (node === undefined) {
        node = { scopeType: step.scopeType, scopeId: step.scopeId, name: step.name, children: [] };
        byKey.set(key, node);
        siblings.push(node);
      }
      siblings = node.children;
    }
  }
  const sort = (nodes: ScopeNode[]): void => {
    nodes.sort((a, b) => a.name.localeCompare(b.name) || a.scopeId.localeCompare(b.scopeId));
    for (const n of nodes) sort(n.children);
  };
  sort(roots);
  return roots;
}

/** Every node of a tree, depth first, with its ancestors (the root first, itself excluded). */
export function walk(nodes: readonly ScopeNode[], ancestors: readonly ScopeNode[] = []): { node: ScopeNode; ancestors: readonly ScopeNode[] }[] {
  return nodes.flatMap((node) => [{ node, ancestors }, ...walk(node.children, [...ancestors, node])]);
}

/** The projects of a tree, each with the keys of itself and its ancestors (what sharing with any of them reaches). */
export function projectsOf(nodes: readonly ScopeNode[]): { project: ScopeNode; reachedBy: Set<string> }[] {
  return walk(nodes)
    .filter(({ node }) => node.scopeType === 'project')
    .map(({ node, ancestors }) => ({ project: node, reachedBy: new Set([...ancestors, node].map(scopeKey)) }));
}
