import { OrgEvents, type ScopeType } from '@dv/contracts';
import { type ScopeTree, type ScopeUpsert } from './scope-tree';

export type ScopeChange = { kind: 'upsert'; change: ScopeUpsert } | { kind: 'delete'; type: ScopeType; id: string; version: number };

/** The scope org events (tenant, cluster, department, project); users and groups are not scopes. */
export const SCOPE_EVENTS = [
  OrgEvents.tenant.created, OrgEvents.tenant.updated, OrgEvents.tenant.deleted,
  OrgEvents.cluster.created, OrgEvents.cluster.updated, OrgEvents.cluster.deleted,
  OrgEvents.department.created, OrgEvents.department.updated, OrgEvents.department.deleted,
  OrgEvents.project.created, OrgEvents.project.updated, OrgEvents.project.deleted,
] as const;

/** What an org event (already validated against its contract) does to the scope tree. */
export function scopeChangeOf(type: string, data: unknown, version: number): ScopeChange | undefined {
  for (const entity of ['tenant', 'cluster', 'department', 'project'] as const) {
    const events = OrgEvents[entity];
    if (type === events.deleted.type) {
      const d = events.deleted.data.parse(data) as Record<string, string>;
      return { kind: 'delete', type: entity, id: d[`${entity}Id`] as string, version };
    }
    if (type === events.created.type || type === events.updated.type) {
      return { kind: 'upsert', change: upsertOf(entity, events.created.data.parse(data) as Record<string, string>, version) };
    }
  }
  return undefined;
}

function upsertOf(entity: Exclude<ScopeType, 'system'>, d: Record<string, string>, version: number): ScopeUpsert {
  const name = d['name'] as string;
  switch (entity) {
    case 'tenant':
      return { type: 'tenant', id: d['tenantId'] as string, name, parent: { scopeType: 'system', scopeId: 'system' }, version };
    case 'cluster':
      return { type: 'cluster', id: d['clusterId'] as string, name, parent: { scopeType: 'tenant', scopeId: d['tenantId'] as string }, version };
    case 'department':
      return { type: 'department', id: d['departmentId'] as string, name, parent: { scopeType: 'cluster', scopeId: d['clusterId'] as string }, version };
    case 'project':
      return {
        type: 'project',
        id: d['projectId'] as string,
        name,
        parent: { scopeType: 'department', scopeId: d['departmentId'] as string },
        version,
        namespace: d['namespace'] as string,
      };
  }
}


/** Applies an org event to the tree (version-guarded by the tree); returns what it meant, if it was a scope event. */
export function applyScopeEvent(tree: ScopeTree, type: string, data: unknown, version: number): ScopeChange | undefined {
  const change = scopeChangeOf(type, data, version);
  if (change?.kind === 'upsert') tree.upsert(change.change);
  else if (change?.kind === 'delete') tree.remove(change.type, change.id, change.version);
  return change;
}
