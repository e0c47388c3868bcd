import { DvError, type WorkloadRef } from '@dv/contracts';
import { GuardedRepository } from '@dv/persistence';
import { type Connection } from 'mongoose';
import { type UsageDoc, usageModel } from './usage.model';

/**
 * The usage records (`usages`), a guarded collection (decision 0012): whether a data volume may be
 * deleted rests on them, and the store's conditional update is a read then a write by `_id` on
 * FerretDB, so a release of an old admission racing a newer admission of the same workload could land
 * last and release the newer one (services/workload-admission/test/usage-race.test.ts). Every change is
 * a revision claim: `decide` sees the current record and re-checks its condition when it loses a race.
 */
export class UsageRepository extends GuardedRepository<UsageDoc> {
  constructor(connection: Connection) {
    super(usageModel(connection), 'usage record');
  }

  /** The records not released (a replica's usage index at start). */
  notReleased(): Promise<UsageDoc[]> {
    return this.findMany({ releasedAt: { $exists: false } });
  }

  /** The record under a usage key (rolled forward through any claim a writer left). */
  byKey(key: string): Promise<UsageDoc | null> {
    return this.read(key);
  }

  /** The records of a workload: by its id, or by namespace, kind and name. */
  ofWorkload(ref: WorkloadRef): Promise<UsageDoc[]> {
    return this.findMany({ $or: [{ workloadId: ref.workloadId }, { namespace: ref.namespace, kind: ref.kind, name: ref.name }] });
  }

  /** Inserts a record seen for the first time; false when the identity is known (admitted before, released, or this event again). */
  insertFirst(doc: UsageDoc): Promise<boolean> {
    return this.insertIfAbsent(doc);
  }

  /** A tombstone (or any record) unless its key is taken; false for the duplicate. Built in code, complete and typed: not re-validated. */
  async insertIfAbsent(doc: UsageDoc): Promise<boolean> {
    try {
      await this.insertGuarded(doc, undefined, { typed: true });
      return true;
    } catch (error) {
      if (error instanceof DvError && error.code === 'CONFLICT') return false;
      throw error;
    }
  }

  /**
   * Replaces the record with a newer admission, unless it holds a later one or was released after it;
   * whether it did. A record that disappeared meanwhile (expired) is inserted again.
   */
  async replaceWithNewer(doc: UsageDoc): Promise<boolean> {
    const { releasedAt: _never, ...admitted } = doc;
    const replaced = await this.changeIfPresent(doc._id, (current) =>
      current.admittedAt < doc.admittedAt && (current.releasedAt === undefined || current.releasedAt < doc.admittedAt) ? admitted : null,
    );
    return replaced === 'absent' ? this.insertIfAbsent(doc) : replaced;
  }

  /** Releases this very record (the admission it holds), unless it changed meanwhile; whether it did. */
  async release(doc: UsageDoc, releasedAt: Date): Promise<boolean> {
    const released = await this.changeIfPresent(doc._id, (current) =>
      holdsSameAdmission(current, doc) && (current.releasedAt === undefined || current.releasedAt < releasedAt)
        ? { ...current, volumeIds: [], releasedAt }
        : null,
    );
    return released === true;
  }

  /** Records the name Kubernetes gave an object created with generateName, while the record holds the same review. */
  async named(doc: UsageDoc, name: string): Promise<void> {
    await this.changeIfPresent(doc._id, (current) =>
      current.reviewId === doc.reviewId && current.name !== name ? { ...current, name, generated: false } : null,
    );
  }

  /** Deletes the records released before `cutoff` (each by a guarded delete that checks it again); how many. */
  async expireReleasedBefore(cutoff: Date): Promise<number> {
    const candidates = await this.findFields({ releasedAt: { $lt: cutoff } }, ['_id']);
    let removed = 0;
    for (const { _id } of candidates) {
      const gone = await this.removeGuarded(_id, (current) => current.releasedAt !== undefined && current.releasedAt < cutoff).catch((error: unknown) => {
        if (error instanceof DvError && error.code === 'NOT_FOUND') return false;
        throw error;
      });
      if (gone) removed++;
    }
    return removed;
  }

  /** Folds old revision claims into their records and prunes them (the sweeper runs it). */
  maintainClaims(): Promise<number> {
    return this.store.maintain();
  }

  private async changeIfPresent(id: string, decide: (current: UsageDoc) => UsageDoc | null): Promise<boolean | 'absent'> {
    try {
      return (await this.changeGuarded(id, decide)) !== null;
    } catch (error) {
      if (error instanceof DvError && error.code === 'NOT_FOUND') return 'absent';
      throw error;
    }
  }
}

function holdsSameAdmission(current: UsageDoc, doc: UsageDoc): boolean {
  return current.reviewId === doc.reviewId && current.admittedAt.getTime() === doc.admittedAt.getTime();
}
