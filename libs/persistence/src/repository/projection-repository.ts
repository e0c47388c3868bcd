import { type Model } from 'mongoose';
import { upsertIfNewer, upsertIfNewerFrom } from '../idempotency/idempotent-writes';
import { GuardedRepository } from './guarded-repository';

/** A projection kept from a stream: documents versioned by the event that produced them, never moved backwards. */
export abstract class ProjectionRepository<T extends { _id: string; version: number; rev?: number }> extends GuardedRepository<T> {
  protected constructor(model: Model<T>, what: string) {
    super(model, what);
  }

  /** Stores the document unless a newer (or equal) version is stored; whether it applied. */
  upsertIfNewer(doc: T): Promise<boolean> {
    return upsertIfNewer(this.model, doc);
  }

  /** Stores what `next` makes of the current document (null: none) as the state at `version`, unless a newer (or equal) one is stored. */
  protected upsertIfNewerFrom(id: string, version: number, next: (current: T | null) => T): Promise<boolean> {
    return upsertIfNewerFrom(this.model, id, version, next);
  }
}
