import { type Model } from 'mongoose';
import { type Filter, type Sort } from './filter';

export interface FindOptions<T> {
  sort?: Sort<T>;
  limit?: number;
}

/** A projection of the named fields (`_id` always comes along). */
/** Sort keys in the order given (the first decides, then the next). */
function sortOf<T>(sort: Sort<T>): Record<string, 1 | -1> {
  const order: Record<string, 1 | -1> = {};
  for (const [key, direction] of Object.entries<1 | -1 | undefined>(sort)) if (direction !== undefined) order[key] = direction;
  return order;
}

function projectionOf(fields: readonly PropertyKey[]): Record<string, 1> {
  return Object.fromEntries(fields.map((f) => [String(f), 1]));
}

/**
 * One collection's reads, behind typed filters (decision 0021). Each service keeps one repository
 * class per collection (`<name>.repository.ts`, beside its `<name>.model.ts`); controllers, handlers
 * and use cases ask it named questions and never hold the mongoose `Model`. Documents read back are
 * typed here, once: every write goes through the collection's schema (or is built from a typed
 * document), so what comes back is the stored type, with `lean()` (plain objects, no hydration).
 */
export abstract class DocumentRepository<T extends { _id: string }> {
  protected constructor(readonly model: Model<T>) {}

  /** The collection's name (logs, tests). */
  get collectionName(): string {
    return this.model.collection.collectionName;
  }

  protected async findMany(filter: Filter<T>, options: FindOptions<T> = {}): Promise<T[]> {
    let query = this.model.find(filter);
    if (options.sort) query = query.sort(sortOf(options.sort));
    if (options.limit !== undefined) query = query.limit(options.limit);
    return query.lean<T[]>().exec();
  }

  /** Only the named fields of the matching documents (and `_id`): list scans that need a few fields. */
  protected async findFields<K extends keyof T>(filter: Filter<T>, fields: readonly K[], options: FindOptions<T> = {}): Promise<Pick<T, K | '_id'>[]> {
    let query = this.model.find(filter, projectionOf(fields));
    if (options.sort) query = query.sort(sortOf(options.sort));
    if (options.limit !== undefined) query = query.limit(options.limit);
    return query.lean<Pick<T, K | '_id'>[]>().exec();
  }

  /** The stored document as it is (no roll-forward of revision claims: see GuardedRepository.read for that). */
  protected async findOne(filter: Filter<T>): Promise<T | null> {
    return this.model.findOne(filter).lean<T>().exec();
  }

  /** The named fields of one matching document (and `_id`). */
  protected async findOneFields<K extends keyof T>(filter: Filter<T>, fields: readonly K[]): Promise<Pick<T, K | '_id'> | null> {
    return this.model.findOne(filter, projectionOf(fields)).lean<Pick<T, K | '_id'>>().exec();
  }

  protected async exists(filter: Filter<T>): Promise<boolean> {
    return (await this.model.exists(filter)) !== null;
  }
}
