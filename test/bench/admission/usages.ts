// The admission service's usage records between measured rounds. Every admitted review is recorded by
// the service's own consumer in its `usages` collection, keyed by the workload (every benchmark Pod is
// a new one: an insert; an update by _id, which FerretDB's SQLite handler answers by scanning, happens
// only for a re-admission). FerretDB's costs still grow with the collection, so later rounds would pay
// for earlier ones. Between rounds, outside the measured window, the benchmark empties the collection
// (the records of benchmark Pods are read by nothing else here), so every round starts from the same state.
import mongoose from 'mongoose';

/** The collection the workload-admission service keeps usage records in (services/workload-admission/src/usage/usage.model.ts). */
const USAGES_COLLECTION = 'usages';

export interface UsageRecords {
  count(): Promise<number>;
  /** Deletes every usage record; returns how many there were. */
  clear(): Promise<number>;
  close(): Promise<void>;
}

export async function usageRecords(mongoUrl: string, dbName: string): Promise<UsageRecords> {
  const connection = await mongoose.createConnection(mongoUrl, { dbName }).asPromise();
  const collection = connection.collection(USAGES_COLLECTION);
  return {
    count: () => collection.countDocuments({}),
    clear: async () => (await collection.deleteMany({})).deletedCount,
    close: () => connection.close(),
  };
}
