import { type EventDataInput, type EventDefinition, type ScopeRef } from '@dv/contracts';
import { type OrgKind } from '../org/org-kinds';
import { type OrgAction } from './org-event-id';

/**
 * Why an event is in the plan: a new entity, a changed one, an unchanged one sent again (JetStream
 * drops it as a duplicate within its window; it reaches a server that never saw it), one deleted
 * by `--delete`, or one that left the file (`--prune`).
 */
export type PlanReason = 'new' | 'recreated' | 'changed' | 'unchanged' | 'deleted' | 'pruned';

export interface PlannedEvent {
  kind: OrgKind;
  entityId: string;
  action: OrgAction;
  reason: PlanReason;
  def: EventDefinition;
  data: unknown;
  /** The entity's full payload (for deletions, what it was): kept in the state file. */
  entityData: Record<string, unknown>;
  version: number;
  contentHash: string;
  eventId: string;
  /** The entity's own scope, for tenants, clusters, departments and projects. */
  scope: ScopeRef | undefined;
}

/**
 * Builds a planned event; the compiler checks `data` against the event's schema here, where the
 * definition is still known by type (the plan is a list of mixed events).
 */
export function plannedEvent<E extends EventDefinition>(def: E, data: EventDataInput<E>, rest: Omit<PlannedEvent, 'def' | 'data'>): PlannedEvent {
  return { def, data, ...rest };
}
