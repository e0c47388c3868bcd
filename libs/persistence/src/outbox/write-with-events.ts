import { DvError, type EventEnvelope } from '@dv/contracts';
import { type Model } from 'mongoose';
import { type PlainUpdate, applyUpdate } from '../guarded/apply-update';
import { guardedStore } from '../guarded/guarded-store';
import { type Aggregate } from './aggregate';

/** Builds the events of a change, given the aggregate version the change produces. */
export type EventsOf = (version: number) => EventEnvelope[];

function conflict(what: string, id: string, expectedVersion: number): DvError {
  return DvError.conflict(`${what} ${id} was changed by someone else; read it again and retry`, { id, expectedVersion });
}

/** The current aggregate (the stored document rolled forward through any claimed revision), or null. */
export function readAggregate<T extends Aggregate>(model: Model<T>, id: string): Promise<T | null> {
  return guardedStore(model).read(id);
}

/**
 * Inserts a new aggregate (version 1) together with its events, in one write.
 * A unique-key violation is CONFLICT and writes nothing.
 */
export async function insertWithEvents<T extends Aggregate>(
  model: Model<T>,
  doc: Omit<T, 'version' | 'outbox' | 'rev'>,
  events: EventsOf,
  what = 'document',
  uniqueFields?: string,
): Promise<T> {
  const full = { ...doc, version: 1, outbox: events(1) } as T;
  return guardedStore(model).insert(full, what, uniqueFields);
}

/**
 * Applies an update (`$set` / `$unset`) and appends its events in one atomic change, only if the
 * aggregate is still at `expectedVersion` (optimistic concurrency): NOT_FOUND when it is gone,
 * CONFLICT when someone else changed it first. Atomic on any store (see GuardedStore).
 */
export async function updateWithEvents<T extends Aggregate>(
  model: Model<T>,
  id: string,
  expectedVersion: number,
  update: PlainUpdate,
  events: EventsOf,
  what = 'document',
  uniqueFields?: string,
): Promise<T> {
  const next = expectedVersion + 1;
  const written = await guardedStore(model).change(
    id,
    (current) => {
      if (current.version !== expectedVersion) throw conflict(what, id, expectedVersion);
      const changed = applyUpdate(current, update);
      return { ...changed, version: next, outbox: [...current.outbox, ...events(next)] };
    },
    what,
    uniqueFields,
  );
  if (!written) throw conflict(what, id, expectedVersion);
  return written;
}

/**
 * Applies an update that is the service's own bookkeeping (a schedule, a lease), not a domain change:
 * no event, no new aggregate version, but the same atomicity. `when` re-checks its precondition on the
 * current document (false: someone else got there first, nothing is written and the result is false).
 */
export async function updateWithoutEvents<T extends Aggregate>(
  model: Model<T>,
  id: string,
  when: (current: T) => boolean,
  update: PlainUpdate,
  what = 'document',
): Promise<boolean> {
  try {
    const written = await guardedStore(model).change(id, (current) => (when(current) ? applyUpdate(current, update) : null), what);
    return written !== null;
  } catch (error) {
    if (error instanceof DvError && error.code === 'NOT_FOUND') return false;
    throw error;
  }
}

/** Deletes an aggregate only at `expectedVersion`; its final events must be published first (see OutboxRelay). */
export async function deleteAtVersion<T extends Aggregate>(model: Model<T>, id: string, expectedVersion: number, what = 'document'): Promise<void> {
  const removed = await guardedStore(model).remove(id, (current) => current.version === expectedVersion, what);
  if (!removed) throw conflict(what, id, expectedVersion);
}
