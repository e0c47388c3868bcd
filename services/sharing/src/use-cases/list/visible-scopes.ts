import { type PermittedScopeSet } from '@dv/contracts';

/**
 * Which shared scopes a caller may see, from its permitted scopes for reading sharing lists (authz
 * lists every scope below a granting rule, so a set lookup per entry is enough).
 */
export function visibleScopes(permitted: PermittedScopeSet | undefined): (scopeType: string, scopeId: string) => boolean {
  if (!permitted) return () => false;
  if (permitted.system) return () => true;
  const clusters = new Set(permitted.clusters);
  const departments = new Set(permitted.departments);
  const projects = new Set(permitted.projects);
  return (scopeType, scopeId) =>
    (scopeType === 'cluster' && clusters.has(scopeId)) ||
    (scopeType === 'department' && departments.has(scopeId)) ||
    (scopeType === 'project' && projects.has(scopeId));
}
