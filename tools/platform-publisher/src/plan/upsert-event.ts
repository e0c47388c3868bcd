import { OrgEvents } from '@dv/contracts';
import { type OrgEntity } from '../org/org-entity';
import { type PlannedEvent, plannedEvent } from './planned-event';

type UpsertFields = Omit<PlannedEvent, 'def' | 'data' | 'kind' | 'entityId' | 'action' | 'entityData' | 'scope'>;

/** The created or updated event of an entity: the whole entity, in its own scope where it is one. */
export function upsertEvent(entity: OrgEntity, action: 'created' | 'updated', fields: UpsertFields): PlannedEvent {
  const common = { ...fields, kind: entity.kind, entityId: entity.id, action, entityData: { ...entity.data } };
  // One case per kind so the compiler ties each payload to its own event schema.
  switch (entity.kind) {
    case 'tenant':
      return plannedEvent(OrgEvents.tenant[action], entity.data, { ...common, scope: { scopeType: 'tenant', scopeId: entity.id } });
    case 'cluster':
      return plannedEvent(OrgEvents.cluster[action], entity.data, { ...common, scope: { scopeType: 'cluster', scopeId: entity.id } });
    case 'department':
      return plannedEvent(OrgEvents.department[action], entity.data, { ...common, scope: { scopeType: 'department', scopeId: entity.id } });
    case 'project':
      return plannedEvent(OrgEvents.project[action], entity.data, { ...common, scope: { scopeType: 'project', scopeId: entity.id } });
    case 'group':
      return plannedEvent(OrgEvents.group[action], entity.data, { ...common, scope: undefined });
    case 'user':
      return plannedEvent(OrgEvents.user[action], entity.data, { ...common, scope: undefined });
  }
}
