import { type DataVolume, type DataVolumeStatus, type DataVolumeStorage } from '@dv/contracts';
import { type Aggregate, aggregateFields } from '@dv/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

/** A data volume as stored: the volume, its outbox, and the key that makes its name unique per cluster. */
export interface VolumeDoc extends Aggregate {
  /** `<clusterId>/<name>`: the only unique index besides _id (FerretDB cannot tell unique indexes apart). */
  nameKey: string;
  name: string;
  description?: string | undefined;
  projectId: string;
  projectName: string;
  departmentId: string;
  clusterId: string;
  namespace: string;
  originPvcName: string;
  useOriginalVolume: boolean;
  storage: DataVolumeStorage;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  status: DataVolumeStatus;
  /** Set when the deleted event is written: what is left is publishing it and removing the document. */
  purging?: boolean | undefined;
  /**
   * The reconciler's schedule (not part of the volume: no event, not in DataVolume): when this volume
   * is next due (ISO time; absent: due now) and how many attempts in a row did not make it hold.
   */
  nextAttemptAt?: string | undefined;
  attempts?: number | undefined;
}

export const VOLUMES_COLLECTION = 'datavolumes';

export function nameKeyOf(clusterId: string, name: string): string {
  return `${clusterId}/${name}`;
}

export function volumeModel(connection: Connection): Model<VolumeDoc> {
  const schema = new Schema<VolumeDoc>(
    {
      ...aggregateFields,
      nameKey: { type: String, required: true },
      name: { type: String, required: true },
      description: { type: String },
      projectId: { type: String, required: true },
      projectName: { type: String, required: true },
      departmentId: { type: String, required: true },
      clusterId: { type: String, required: true },
      namespace: { type: String, required: true },
      originPvcName: { type: String, required: true },
      useOriginalVolume: { type: Boolean, required: true },
      storage: { type: Schema.Types.Mixed, required: true },
      createdAt: { type: String, required: true },
      createdBy: { type: String, required: true },
      updatedAt: { type: String, required: true },
      updatedBy: { type: String, required: true },
      status: { type: Schema.Types.Mixed, required: true },
      purging: { type: Boolean },
      nextAttemptAt: { type: String },
      attempts: { type: Number },
    },
    { collection: VOLUMES_COLLECTION, versionKey: false, minimize: false },
  );
  schema.index({ nameKey: 1 }, { unique: true });
  schema.index({ projectId: 1 });
  // The reconcile sweep takes the volumes due first.
  schema.index({ nextAttemptAt: 1 });
  return connection.model<VolumeDoc>(VOLUMES_COLLECTION, schema);
}

/** The public form of a stored volume. */
export function toDataVolume(doc: Omit<VolumeDoc, 'outbox'>): DataVolume {
  const volume: DataVolume = {
    id: doc._id,
    name: doc.name,
    projectId: doc.projectId,
    projectName: doc.projectName,
    departmentId: doc.departmentId,
    clusterId: doc.clusterId,
    namespace: doc.namespace,
    originPvcName: doc.originPvcName,
    useOriginalVolume: doc.useOriginalVolume,
    storage: doc.storage,
    // The sharing service owns the sharing lists: get and list fill this (SharedScopesReader); write replies leave it empty.
    sharedScopes: [],
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
    updatedAt: doc.updatedAt,
    updatedBy: doc.updatedBy,
    status: doc.status,
    version: doc.version,
  };
  if (typeof doc.description === 'string') volume.description = doc.description;
  return volume;
}
