import { type WorkloadRef } from '@dv/contracts';
import { PlainRepository } from '@dv/persistence';
import { type Connection } from 'mongoose';
import { type UsageDoc, usageModel } from './usage.model';

/**
 * The usage records (`usages`). Not a guarded collection: each write is one conditional update whose
 * outcome UsageRecords checks (an admission and a release race by their events' times, and a write
 * that matched nothing is read again), so the store's own update is kept (its cost is on the
 * admitted-event path).
 */
export class UsageRepository extends PlainRepository<UsageDoc> {
  constructor(connection: Connection) {
    super(usageModel(connection));
  }

  /** The records not released (a replica's usage index at start). */
  notReleased(): Promise<UsageDoc[]> {
    return this.findMany({ releasedAt: { $exists: false } });
  }

  /** The record under a usage key, as stored. */
  byKey(key: string): Promise<UsageDoc | null> {
    return this.findOne({ _id: key });
  }

  /** The records of a workload: by its id, or by namespace, kind and name. */
  ofWorkload(ref: WorkloadRef): Promise<UsageDoc[]> {
    return this.findMany({ $or: [{ workloadId: ref.workloadId }, { namespace: ref.namespace, kind: ref.kind, name: ref.name }] });
  }

  /**
   * Inserts a record seen for the first time; a duplicate key error when the identity is known. One of
   * these per admitted review: written with the driver, past mongoose's document machinery (the
   * document is complete and typed here; mongoose cost about as much CPU as the rest of the insert).
   */
  async insertFirst(doc: UsageDoc): Promise<void> {
    const plain: Record<string, unknown> = { ...doc };
    await this.model.collection.insertOne(plain);
  }

  /** A tombstone (or any record) unless its key is taken; false for the duplicate. */
  insertIfAbsent(doc: UsageDoc): Promise<boolean> {
    return this.insertOnce(doc);
  }

  /** Replaces the record with a newer admission, unless it holds a later one or was released after it; whether it did. */
  async replaceWithNewer(doc: UsageDoc): Promise<boolean> {
    const { _id, admittedAt, ...fields } = doc;
    const replaced = await this.updateWhere(
      { _id, admittedAt: { $lt: admittedAt }, $or: [{ releasedAt: { $exists: false } }, { releasedAt: { $lt: admittedAt } }] },
      { $set: { ...fields, admittedAt }, $unset: { releasedAt: 1 } },
    );
    return replaced > 0;
  }

  /** Releases this very record (the admission it holds), unless it changed meanwhile; whether it did. */
  async release(doc: UsageDoc, releasedAt: Date): Promise<boolean> {
    return (await this.updateWhere({ _id: doc._id, reviewId: doc.reviewId, admittedAt: doc.admittedAt }, { $set: { volumeIds: [], releasedAt } })) > 0;
  }

  /** Records the name Kubernetes gave an object created with generateName, while the record holds the same review. */
  async named(doc: UsageDoc, name: string): Promise<void> {
    await this.updateWhere({ _id: doc._id, reviewId: doc.reviewId }, { $set: { name, generated: false } });
  }

  /** Deletes the records released before `cutoff`; how many. */
  expireReleasedBefore(cutoff: Date): Promise<number> {
    return this.deleteWhere({ releasedAt: { $lt: cutoff } });
  }
}
