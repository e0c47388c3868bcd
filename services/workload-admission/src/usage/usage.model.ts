import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A workload admitted with data volumes and not yet finished or deleted (`_id`: the review that
 * admitted it). Written only by the consumer of the admitted events, so a review does not wait for
 * MongoDB; released (all records of the workload) by its finished or deleted event.
 */
export interface UsageDoc {
  _id: string;
  volumeIds: string[];
  namespace: string;
  projectId: string;
  apiVersion?: string;
  kind: string;
  name: string;
  workloadId?: string;
  reviewId: string;
  admittedAt: Date;
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
      reviewId: { type: String, required: true },
      admittedAt: { type: Date, required: true },
    },
    { collection: USAGES_COLLECTION, versionKey: false },
  );
  return connection.model<UsageDoc>(USAGES_COLLECTION, schema);
}
