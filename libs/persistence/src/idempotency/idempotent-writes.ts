import { type Model, type QueryFilter, type UpdateQuery } from 'mongoose';
import { isDuplicateKeyError } from '../errors/map-mongo-error';

/**
 * Inserts a document keyed by a natural id (an event id, say) unless it is already there.
 * Returns false for the duplicate: the consumer saw this event before.
 */
export async function insertOnce<T extends { _id: string }>(model: Model<T>, doc: T): Promise<boolean> {
  try {
    await model.insertMany([doc]);
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/**
 * Upserts a projection only if the incoming aggregate version is newer than the stored one, so
 * redelivered or reordered events never move a projection backwards. Returns whether it applied.
 */
export async function upsertIfNewer<T extends { _id: string; version: number }>(model: Model<T>, doc: T): Promise<boolean> {
  try {
    const result = await model
      .updateOne(
        { _id: doc._id, version: { $lt: doc.version } } as QueryFilter<T>,
        { $set: doc } as UpdateQuery<T>,
        { upsert: true },
      )
      .exec();
    return result.modifiedCount + result.upsertedCount > 0;
  } catch (error) {
    // The upsert collided with a stored document whose version is not older: nothing to do.
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}
