import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A volume's binding in a consuming namespace (`_id` = `<volumeId>/<namespace>`): recorded as
 * `Creating` before any Kubernetes object is made, `Bound` once the PV copy and PVC exist, and
 * `Releasing` by whoever removes them. `attempt` says who is working on it: a replica changes the
 * record only while it still holds the attempt it read (or claimed), so one replica never removes
 * what another is finishing. A record left `Creating` or `Releasing` longer than the lease
 * (`updatedAt`) is taken over by the reconciler.
 */
export interface BindingDoc {
  _id: string;
  volumeId: string;
  namespace: string;
  projectId: string;
  pvName: string;
  pvcName: string;
  state: BindingState;
  attempt: string;
  createdAt: Date;
  updatedAt: Date;
  /** The guarded store's revision (decision 0012). */
  rev?: number;
}

export type BindingState = 'Creating' | 'Bound' | 'Releasing';

export const BINDINGS_COLLECTION = 'bindings';

export function bindingModel(connection: Connection): Model<BindingDoc> {
  const schema = new Schema<BindingDoc>(
    {
      _id: { type: String, required: true },
      volumeId: { type: String, required: true, index: true },
      namespace: { type: String, required: true },
      projectId: { type: String, required: true },
      pvName: { type: String, required: true },
      pvcName: { type: String, required: true },
      state: { type: String, required: true, enum: ['Creating', 'Bound', 'Releasing'] },
      attempt: { type: String, required: true },
      createdAt: { type: Date, required: true },
      updatedAt: { type: Date, required: true },
    },
    { collection: BINDINGS_COLLECTION, versionKey: false },
  );
  return connection.model<BindingDoc>(BINDINGS_COLLECTION, schema);
}

export const bindingKey = (volumeId: string, namespace: string): string => `${volumeId}/${namespace}`;
