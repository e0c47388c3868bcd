import { type EventData, type EventEnvelope, OrgEvents, type ScopeType } from '@dv/contracts';
import { type ScopeTree, type ScopeUpsert } from './scope-tree';

export type ScopeChange = { kind: 'upsert'; change: ScopeUpsert } | { kind: 'delete'; type: ScopeType; id: string; version: number };

/** The scope org events (tenant, cluster, department, project); users and groups are not scopes. */
export const SCOPE_EVENTS = [
  OrgEvents.tenant.created,
  OrgEvents.tenant.updated,
  OrgEvents.tenant.deleted,
  OrgEvents.cluster.created,
  OrgEvents.cluster.updated,
  OrgEvents.cluster.deleted,
  OrgEvents.department.created,
  OrgEvents.department.updated,
  OrgEvents.department.deleted,
  OrgEvents.project.created,
  OrgEvents.project.updated,
  OrgEvents.project.deleted,
] as const;

/** Their types: what a follower of the platform stream reads for the scope tree. */
export const SCOPE_EVENT_TYPES: ReadonlySet<string> = new Set<string>(SCOPE_EVENTS.map((def) => def.type));

type ScopeEventDefinition = (typeof SCOPE_EVENTS)[number];

/** A scope org event with its validated data, one member per contract: a switch on `type` narrows `data`. */
export type ScopeEvent = ScopeEventDefinition extends infer D ? (D extends ScopeEventDefinition ? { type: D['type']; data: EventData<D> } : never) : never;

/** Ties a contract to its validated data (what a typed @EventHandler receives) as one member of the union. */
export function scopeEvent<D extends ScopeEventDefinition>(def: D, data: EventData<D>): { type: D['type']; data: EventData<D> } {
  return { type: def.type, data };
}

/** Parses an org event of the stream into the union (its data checked against its own contract); undefined when it is not a scope event. Throws on bad data. */
export function parseScopeEvent(type: string, data: unknown): ScopeEvent | undefined {
  switch (type) {
    case OrgEvents.tenant.created.type:
      return scopeEvent(OrgEvents.tenant.created, OrgEvents.tenant.created.data.parse(data));
    case OrgEvents.tenant.updated.type:
      return scopeEvent(OrgEvents.tenant.updated, OrgEvents.tenant.updated.data.parse(data));
    case OrgEvents.tenant.deleted.type:
      return scopeEvent(OrgEvents.tenant.deleted, OrgEvents.tenant.deleted.data.parse(data));
    case OrgEvents.cluster.created.type:
      return scopeEvent(OrgEvents.cluster.created, OrgEvents.cluster.created.data.parse(data));
    case OrgEvents.cluster.updated.type:
      return scopeEvent(OrgEvents.cluster.updated, OrgEvents.cluster.updated.data.parse(data));
    case OrgEvents.cluster.deleted.type:
      return scopeEvent(OrgEvents.cluster.deleted, OrgEvents.cluster.deleted.data.parse(data));
    case OrgEvents.department.created.type:
      return scopeEvent(OrgEvents.department.created, OrgEvents.department.created.data.parse(data));
    case OrgEvents.department.updated.type:
      return scopeEvent(OrgEvents.department.updated, OrgEvents.department.updated.data.parse(data));
    case OrgEvents.department.deleted.type:
      return scopeEvent(OrgEvents.department.deleted, OrgEvents.department.deleted.data.parse(data));
    case OrgEvents.project.created.type:
      return scopeEvent(OrgEvents.project.created, OrgEvents.project.created.data.parse(data));
    case OrgEvents.project.updated.type:
      return scopeEvent(OrgEvents.project.updated, OrgEvents.project.updated.data.parse(data));
    case OrgEvents.project.deleted.type:
      return scopeEvent(OrgEvents.project.deleted, OrgEvents.project.deleted.data.parse(data));
    default:
      return undefined;
  }
}

const SYSTEM = { scopeType: 'system', scopeId: 'system' } as const;

/** What a scope event does to the scope tree; `version` is its stream sequence. */
export function scopeChangeOf(event: ScopeEvent, version: number): ScopeChange {
  switch (event.type) {
    case OrgEvents.tenant.created.type:
    case OrgEvents.tenant.updated.type:
      return { kind: 'upsert', change: { type: 'tenant', id: event.data.tenantId, name: event.data.name, parent: SYSTEM, version } };
    case OrgEvents.cluster.created.type:
    case OrgEvents.cluster.updated.type:
      return {
        kind: 'upsert',
        change: { type: 'cluster', id: event.data.clusterId, name: event.data.name, parent: { scopeType: 'tenant', scopeId: event.data.tenantId }, version },
      };
    case OrgEvents.department.created.type:
    case OrgEvents.department.updated.type:
      return {
        kind: 'upsert',
        change: {
          type: 'department',
          id: event.data.departmentId,
          name: event.data.name,
          parent: { scopeType: 'cluster', scopeId: event.data.clusterId },
          version,
        },
      };
    case OrgEvents.project.created.type:
    case OrgEvents.project.updated.type:
      return {
        kind: 'upsert',
        change: {
          type: 'project',
          id: event.data.projectId,
          name: event.data.name,
          parent: { scopeType: 'department', scopeId: event.data.departmentId },
          version,
          namespace: event.data.namespace,
        },
      };
    case OrgEvents.tenant.deleted.type:
      return { kind: 'delete', type: 'tenant', id: event.data.tenantId, version };
    case OrgEvents.cluster.deleted.type:
      return { kind: 'delete', type: 'cluster', id: event.data.clusterId, version };
    case OrgEvents.department.deleted.type:
      return { kind: 'delete', type: 'department', id: event.data.departmentId, version };
    case OrgEvents.project.deleted.type:
      return { kind: 'delete', type: 'project', id: event.data.projectId, version };
  }
}

/** Applies a scope change to the tree (version-guarded by the tree). */
export function applyScopeChange(tree: ScopeTree, change: ScopeChange): void {
  if (change.kind === 'upsert') tree.upsert(change.change);
  else tree.remove(change.type, change.id, change.version);
}

/**
 * Applies an org event of the stream (at its sequence) to the tree; returns what it meant, if it was
 * a scope event. Throws on a scope event with bad data (the follower skips it).
 */
export function applyScopeEvent(tree: ScopeTree, envelope: Pick<EventEnvelope, 'type' | 'data'>, seq: number): ScopeChange | undefined {
  const event = parseScopeEvent(envelope.type, envelope.data);
  if (!event) return undefined;
  const change = scopeChangeOf(event, seq);
  applyScopeChange(tree, change);
  return change;
}
