import { type Connection, type Model, Schema } from 'mongoose';

/**
 * A volume's binding in a consuming namespace (`_id` = `<volumeId>/<namespace>`): recorded as
 * `Creating` before any Kubernetes object is made, so a crash leaves a record the collector finds,
 * and `Bound` once the PV copy and PVC exist.
 */
export interface BindingDoc {
  _id: string;
  volumeId: string;
  namespace: string;
  projectId: string;
  pvName: string;
  pvcName: string;
  state: 'Creating' | 'Bound';
  createdAt: Date;
}

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
      state: { type: String, required: true, enum: ['Creating', 'Bound'] },
      createdAt: { type: Date, required: true },
    },
    { collection: BINDINGS_COLLECTION, versionKey: false },
  );
  return connection.model<BindingDoc>(BINDINGS_COLLECTION, schema);
}

export const bindingKey = (volumeId: string, namespace: string): string => `${volumeId}/${namespace}`;
