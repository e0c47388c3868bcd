import { type Model } from 'mongoose';
import { insertOnce } from '../idempotency/idempotent-writes';
import { DocumentRepository } from './document-repository';
import { type Filter, type Update } from './filter';

/**
 * A collection without revision claims, whose writes are the store's own (conditional) updates.
 * Only for collections whose correctness does not rest on those conditions being atomic, or that
 * say how they cope (UsageRecords); a collection with claims uses GuardedRepository (decision 0012).
 */
export abstract class PlainRepository<T extends { _id: string }> extends DocumentRepository<T> {
  protected constructor(model: Model<T>) {
    super(model);
  }

  /** Inserts unless the `_id` is taken; false for the duplicate. */
  protected insertOnce(doc: T): Promise<boolean> {
    return insertOnce(this.model, doc);
  }

  /** Updates the one document the filter matches; how many it modified (0 or 1). */
  protected async updateWhere(filter: Filter<T>, update: Update<T>): Promise<number> {
    return (await this.model.updateOne(filter, update).exec()).modifiedCount;
  }

  protected async deleteWhere(filter: Filter<T>): Promise<number> {
    return (await this.model.deleteMany(filter).exec()).deletedCount;
  }
}
