import { type OrgEntity, entityKey } from '../org/org-entity';
import { ORG_KINDS } from '../org/org-kinds';
import { type PublisherState, type StateEntry } from '../state/publisher-state';
import { contentHash } from './content-hash';
import { deleteEvent } from './delete-event';
import { orgEventId } from './org-event-id';
import { type PlannedEvent } from './planned-event';
import { upsertEvent } from './upsert-event';

export interface PlanOptions {
  /** `apply` publishes the file (creations and updates); `delete` deletes every entity of the file. */
  mode: 'apply' | 'delete';
  /** In `apply` mode: delete what the state knows and the file no longer has. */
  prune: boolean;
}

/**
 * The events that bring consumers to the file, given what was published before. Pure: same file
 * and state, same plan, same event ids.
 *
 * - apply: parents first; a new entity is `created` (at the file's version, default 1), a changed
 *   one `updated` at the next version, an unchanged one is its last event again (same id: JetStream
 *   drops it, a server that never saw it gets it); with `prune`, entities gone from the file are
 *   then `deleted`, children first.
 * - delete: every entity of the file `deleted`, children first, at the next version.
 */
export function planOrgEvents(entities: readonly OrgEntity[], state: PublisherState, options: PlanOptions): PlannedEvent[] {
  if (options.mode === 'delete') return [...entities].reverse().map((e) => planDeletion(e, state.entities[entityKey(e.kind, e.id)]));
  const events = entities.map((e) => planUpsert(e, state.entities[entityKey(e.kind, e.id)]));
  if (!options.prune) return events;
  const inFile = new Set(entities.map((e) => entityKey(e.kind, e.id)));
  const gone = Object.entries(state.entities)
    .filter(([key, entry]) => !inFile.has(key) && entry.lastAction !== 'deleted')
    .map(([, entry]) => entry)
    .sort(childrenFirst);
  return [
    ...events,
    ...gone.map((entry) => {
      const version = entry.version + 1;
      return deleteEvent(entry.kind, entry.id, entry.data, {
        reason: 'pruned',
        version,
        contentHash: entry.contentHash,
        eventId: orgEventId(entry.kind, entry.id, 'deleted', version, entry.contentHash),
      });
    }),
  ];
}

function planUpsert(entity: OrgEntity, previous: StateEntry | undefined): PlannedEvent {
  const hash = contentHash(entity.data);
  const asked = entity.version ?? 1;
  const upsert = (action: 'created' | 'updated', version: number, reason: PlannedEvent['reason']): PlannedEvent =>
    upsertEvent(entity, action, { reason, version, contentHash: hash, eventId: orgEventId(entity.kind, entity.id, action, version, hash) });
  if (previous === undefined) return upsert('created', asked, 'new');
  if (previous.lastAction === 'deleted') return upsert('created', Math.max(previous.version + 1, asked), 'recreated');
  const unchanged = previous.contentHash === hash && (entity.version === undefined || entity.version <= previous.version);
  if (unchanged) return upsert(previous.lastAction, previous.version, 'unchanged');
  return upsert('updated', Math.max(previous.version + 1, asked), 'changed');
}

function planDeletion(entity: OrgEntity, previous: StateEntry | undefined): PlannedEvent {
  if (previous?.lastAction === 'deleted') {
    // Deleted before: the same event again, de-duplicated like any unchanged one.
    return deleteEvent(entity.kind, entity.id, previous.data, {
      reason: 'unchanged',
      version: previous.version,
      contentHash: previous.contentHash,
      eventId: previous.eventId,
    });
  }
  const hash = contentHash(entity.data);
  const version = Math.max(previous?.version ?? 0, entity.version ?? 1) + 1;
  return deleteEvent(
    entity.kind,
    entity.id,
    { ...entity.data },
    { reason: 'deleted', version, contentHash: hash, eventId: orgEventId(entity.kind, entity.id, 'deleted', version, hash) },
  );
}

function childrenFirst(a: StateEntry, b: StateEntry): number {
  return ORG_KINDS.indexOf(b.kind) - ORG_KINDS.indexOf(a.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
