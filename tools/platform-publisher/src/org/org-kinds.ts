/**
 * The kinds of org entities, parents before children: the order creations are published in, so a
 * consumer never hears of a child before its parent. Groups come before users, whose memberships
 * name them. Deletions go in the reverse order.
 */
export const ORG_KINDS = ['tenant', 'cluster', 'department', 'project', 'group', 'user'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** Kinds that are scopes of the authorization tree: their events carry their own scope. */
export const SCOPE_KINDS = ['tenant', 'cluster', 'department', 'project'] as const satisfies readonly OrgKind[];
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export function isScopeKind(kind: OrgKind): kind is ScopeKind {
  return (SCOPE_KINDS as readonly OrgKind[]).includes(kind);
}
