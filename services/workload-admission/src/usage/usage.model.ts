import { type Connection, type Model, Schema } from 'mongoose';

/**
 * One workload's use of data volumes (`_id`: the workload's identity, `usageKey`), so admitting the
 * same workload again replaces its record. Written by the consumer of the admitted events (a review
 * does not wait for MongoDB; until it is written, the usage answer counts the admission from its event:
 * decision 0034); released by the workload's finished or deleted event, or when the
 * usage answer finds a webhook-admitted object gone. A released record keeps its identity with no
 * volumes and `releasedAt`, so an admission handled after the release that ended it is recognized
 * as older; a release that finds no record leaves such a record too (a tombstone). Released records
 * expire after the retention (`UsageSweeper`).
 */
export interface UsageDoc {
  _id: string;
  /** The volumes it uses; empty once released. */
  volumeIds: string[];
  namespace: string;
  projectId: string;
  apiVersion?: string;
  kind: string;
  /** `<generateName>*` until the usage answer has found the object Kubernetes named. */
  name: string;
  workloadId?: string;
  /** The review that admitted it ('' for a tombstone). */
  reviewId: string;
  via: 'rpc' | 'webhook';
  /** The review's time (the admitted event's); the epoch for a tombstone. */
  admittedAt: Date;
  /** Set once released: the finished or deleted event's time. */
  releasedAt?: Date;
  /** Named by Kubernetes after admission (generateName): found by the admission-review label. */
  generated: boolean;
  /** The count of its stored changes (revision claims, decision 0012). */
  rev?: number;
}

export const USAGES_COLLECTION = 'usages';

export function usageModel(connection: Connection): Model<UsageDoc> {
  const schema = new Schema<UsageDoc>(
    {
      _id: { type: String, required: true },
      volumeIds: { type: [String], required: true, index: true },
      namespace: { type: String, required: true },
      projectId: { type: String, required: true },
      apiVersion: { type: String },
      kind: { type: String, required: true },
      name: { type: String, required: true },
      workloadId: { type: String, index: true, sparse: true },
      reviewId: { type: String, default: '' },
      via: { type: String, required: true, enum: ['rpc', 'webhook'] },
      admittedAt: { type: Date, required: true },
      releasedAt: { type: Date },
      generated: { type: Boolean, required: true, default: false },
      rev: { type: Number },
    },
    { collection: USAGES_COLLECTION, versionKey: false },
  );
  return connection.model<UsageDoc>(USAGES_COLLECTION, schema);
}
