import { DvError, type EventEnvelope } from '@dv/contracts';
import { type Model, type QueryFilter, type UpdateQuery } from 'mongoose';
import { mapMongoError } from '../errors/map-mongo-error';
import { type Aggregate } from './aggregate';

/** Builds the events of a change, given the aggregate version the change produces. */
export type EventsOf = (version: number) => EventEnvelope[];

/**
 * Inserts a new aggregate (version 1) together with its events, in one write.
 * A unique-key violation is CONFLICT and writes nothing.
 */
export async function insertWithEvents<T extends Aggregate>(
  model: Model<T>,
  doc: Omit<T, 'version' | 'outbox'>,
  events: EventsOf,
  what = 'document',
  uniqueFields?: string,
): Promise<T> {
  try {
    const full = { ...doc, version: 1, outbox: events(1) } as T;
    await model.insertMany([full]);
    return full;
  } catch (error) {
    throw mapMongoError(error, what, uniqueFields);
  }
}

/**
 * Applies an update and appends its events in one atomic single-document write, only if the
 * aggregate is still at `expectedVersion` (optimistic concurrency): NOT_FOUND when it is gone,
 * CONFLICT when someone else changed it first.
 */
export async function updateWithEvents<T extends Aggregate>(
  model: Model<T>,
  id: string,
  expectedVersion: number,
  update: UpdateQuery<T>,
  events: EventsOf,
  what = 'document',
): Promise<T> {
  const next = expectedVersion + 1;
  const change = {
    ...update,
    $set: { ...(update.$set ?? {}), version: next },
    $push: { outbox: { $each: events(next) } },
  } as UpdateQuery<T>;
  let updated: T | null;
  try {
    updated = await model.findOneAndUpdate({ _id: id, version: expectedVersion } as QueryFilter<T>, change, { returnDocument: 'after' }).lean<T>().exec();
  } catch (error) {
    throw mapMongoError(error, what);
  }
  if (updated) return updated;
  const exists = await model.exists({ _id: id } as QueryFilter<T>);
  if (!exists) throw DvError.notFound(`${what} ${id} does not exist`);
  throw DvError.conflict(`${what} ${id} was changed by someone else; read it again and retry`, { id, expectedVersion });
}

/** Deletes an aggregate only at `expectedVersion`; its final events must be published first (see OutboxRelay). */
export async function deleteAtVersion<T extends Aggregate>(model: Model<T>, id: string, expectedVersion: number, what = 'document'): Promise<void> {
  const result = await model.deleteOne({ _id: id, version: expectedVersion } as QueryFilter<T>).exec();
  if (result.deletedCount === 1) return;
  const exists = await model.exists({ _id: id } as QueryFilter<T>);
  if (!exists) throw DvError.notFound(`${what} ${id} does not exist`);
  throw DvError.conflict(`${what} ${id} was changed by someone else; read it again and retry`, { id, expectedVersion });
}
