import { type Model } from 'mongoose';
import { upsertIfNewer } from '../idempotency/idempotent-writes';
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
}
