import { OrgEvents, summarizeIssues } from '@dv/contracts';
import { isScopeKind, type OrgKind } from '../org/org-kinds';
import { type PlannedEvent } from './planned-event';

type DeleteFields = Omit<PlannedEvent, 'def' | 'data' | 'kind' | 'entityId' | 'action' | 'entityData' | 'scope'>;

/**
 * The deleted event of an entity, from its full payload (the file's, or the state's for a pruned
 * entity): the event's schema keeps just the keys a deletion carries.
 */
export function deleteEvent(kind: OrgKind, entityId: string, entityData: Record<string, unknown>, fields: DeleteFields): PlannedEvent {
  const def = OrgEvents[kind].deleted;
  const parsed = def.data.safeParse(entityData);
  // Only a hand-edited state file gets here: its data no longer fits the event.
  if (!parsed.success) throw new Error(`cannot delete ${kind} "${entityId}": its recorded data is invalid: ${summarizeIssues(parsed.error)}`);
  return {
    ...fields,
    kind,
    entityId,
    action: 'deleted',
    def,
    data: parsed.data,
    entityData,
    scope: isScopeKind(kind) ? { scopeType: kind, scopeId: entityId } : undefined,
  };
}
