import { DvError } from '@dv/contracts';
import { type Model } from 'mongoose';
import { guardedStore } from '../guarded/guarded-store';
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
 * redelivered or reordered events never move a projection backwards, even when two are applied at
 * once (a guarded change: the store's own conditional update is not atomic on FerretDB). Returns
 * whether it applied.
 */
export async function upsertIfNewer<T extends { _id: string; version: number; rev?: number }>(model: Model<T>, doc: T): Promise<boolean> {
  return upsertIfNewerFrom(model, doc._id, doc.version, () => doc);
}

/**
 * As upsertIfNewer, for a state that depends on the stored one (a tombstone that keeps what the
 * document had): `next` gets the current document (null when there is none) and returns the
 * document at `version`; nothing is written when the stored version is as new or newer.
 */
export async function upsertIfNewerFrom<T extends { _id: string; version: number; rev?: number }>(
  model: Model<T>,
  id: string,
  version: number,
  next: (current: T | null) => T,
): Promise<boolean> {
  const store = guardedStore(model);
  for (;;) {
    const stored = await store.read(id);
    if (!stored) {
      try {
        await store.insert(next(null));
        return true;
      } catch (error) {
        // Inserted by someone else meanwhile (or deleted moments ago): decide against what is there now.
        if (!(error instanceof DvError) || error.code !== 'CONFLICT') throw error;
        continue;
      }
    }
    try {
      return (await store.change(id, (current) => (current.version < version ? next(current) : null))) !== null;
    } catch (error) {
      if (error instanceof DvError && error.code === 'NOT_FOUND') continue;
      throw error;
    }
  }
}
