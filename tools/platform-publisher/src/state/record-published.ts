import { entityKey } from '../org/org-entity';
import { type PlannedEvent } from '../plan/planned-event';
import { type PublisherState } from './publisher-state';

/** The state after an event was acknowledged by JetStream (a duplicate counts: the stream holds it). */
export function recordPublished(state: PublisherState, event: PlannedEvent, at: Date): PublisherState {
  return {
    ...state,
    entities: {
      ...state.entities,
      [entityKey(event.kind, event.entityId)]: {
        kind: event.kind,
        id: event.entityId,
        version: event.version,
        contentHash: event.contentHash,
        lastAction: event.action,
        eventId: event.eventId,
        data: event.entityData,
        publishedAt: at.toISOString(),
      },
    },
  };
}
