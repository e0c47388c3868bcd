import { type ApiClient } from '../../api/api-client';
import { type PermittedScopeSet, type ScopeNode, type ScopePathEntry, type ScopeRef, scopeKey, scopesOfSet, treeOfPaths } from './scope-tree';

type Action = 'create' | 'read' | 'update' | 'delete';

export interface ScopeTree {
  roots: ScopeNode[];
  /** The keys (`type:id`) of the scopes where the caller may do each action asked about. */
  permitted: Partial<Record<Action, ReadonlySet<string>>>;
}

/** check-batch's bound. */
const BATCH = 100;
/** A console tree is for picking: past this many scopes the tree stops (the largest orgs pick by typing). */
const MAX_SCOPES = 2000;

interface Decision {
  allowed: boolean;
  scopePath: ScopePathEntry[];
}

/**
 * The tree of the scopes where the caller may do the actions on a resource type, with every ancestor:
 * `permitted-scopes` answers the scopes (ids only), a batch check of each answers its path with names
 * (the public API lists no org, and a check's path is what the caller may learn about a scope it acts in).
 */
export async function loadScopeTree(api: ApiClient, resourceType: string, actions: readonly Action[], signal?: AbortSignal): Promise<ScopeTree> {
  const sets = await api.post<Partial<Record<Action, PermittedScopeSet>>>('/api/v1/authorization/permitted-scopes', { resourceType });
  signal?.throwIfAborted();
  const permitted: Partial<Record<Action, ReadonlySet<string>>> = {};
  const all = new Map<string, ScopeRef>();
  for (const action of actions) {
    const scopes = scopesOfSet(sets[action]);
    permitted[action] = new Set(scopes.map(scopeKey));
    for (const s of scopes) all.set(scopeKey(s), s);
  }
  const scopes = [...all.values()].slice(0, MAX_SCOPES);
  const paths: ScopePathEntry[][] = [];
  for (let i = 0; i < scopes.length; i += BATCH) {
    const chunk = scopes.slice(i, i + BATCH);
    const { decisions } = await api.post<{ decisions: Decision[] }>('/api/dv/v1/check-batch', {
      checks: chunk.map((scope) => ({ action: actions[0] ?? 'read', resourceType, scope })),
    });
    signal?.throwIfAborted();
    for (const d of decisions) if (d.scopePath.length > 0) paths.push(d.scopePath);
  }
  return { roots: treeOfPaths(paths), permitted };
}
