import { type Connection, type Model, Schema } from 'mongoose';

/** The volume service's projection of org projects: where a volume's origin lives. Versioned by stream sequence. */
export interface ProjectDoc {
  _id: string;
  name: string;
  namespace: string;
  departmentId: string;
  clusterId: string;
  deleted: boolean;
  version: number;
}

/** Clusters, for their tenant: permitted tenants expand to their clusters when listing. */
export interface ClusterDoc {
  _id: string;
  tenantId: string;
  deleted: boolean;
  version: number;
}

export function projectModel(connection: Connection): Model<ProjectDoc> {
  const schema = new Schema<ProjectDoc>(
    {
      _id: { type: String, required: true },
      name: { type: String, required: true },
      namespace: { type: String, required: true },
      departmentId: { type: String, required: true },
      clusterId: { type: String, required: true },
      deleted: { type: Boolean, required: true },
      version: { type: Number, required: true },
    },
    { collection: 'projects', versionKey: false },
  );
  return connection.model<ProjectDoc>('projects', schema);
}

export function clusterModel(connection: Connection): Model<ClusterDoc> {
  const schema = new Schema<ClusterDoc>(
    {
      _id: { type: String, required: true },
      tenantId: { type: String, required: true },
      deleted: { type: Boolean, required: true },
      version: { type: Number, required: true },
    },
    { collection: 'clusters', versionKey: false },
  );
  schema.index({ tenantId: 1 });
  return connection.model<ClusterDoc>('clusters', schema);
}
