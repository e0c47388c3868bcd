import { type Model } from 'mongoose';
import { type Decide, type GuardedStore, type Revisioned, guardedStore } from '../guarded/guarded-store';
import { DocumentRepository } from './document-repository';

/**
 * A collection whose every change is a guarded one (decision 0012): inserts, changes and deletes go
 * through its GuardedStore (revision claims), never through a conditional update of the store.
 * Reads that decide something use `read` (the head rolled forward); list scans use the typed finds.
 */
export abstract class GuardedRepository<T extends Revisioned> extends DocumentRepository<T> {
  protected readonly store: GuardedStore<T>;

  protected constructor(
    model: Model<T>,
    /** What a document is, in error messages ("data volume", "binding"). */
    readonly what: string,
  ) {
    super(model);
    this.store = guardedStore(model);
  }

  /** The current document (the head rolled forward through any claimed revision), or null. */
  read(id: string): Promise<T | null> {
    return this.store.read(id);
  }

  protected insertGuarded(doc: T, uniqueFields?: string, options: { typed?: boolean } = {}): Promise<T> {
    return this.store.insert(doc, this.what, uniqueFields, options);
  }

  protected changeGuarded(id: string, decide: Decide<T>): Promise<T | null> {
    return this.store.change(id, decide, this.what);
  }

  protected removeGuarded(id: string, decide: (current: T) => boolean): Promise<boolean> {
    return this.store.remove(id, decide, this.what);
  }
}
