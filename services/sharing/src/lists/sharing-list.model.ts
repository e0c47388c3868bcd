import { type SharedScopeEntry } from '@dv/contracts';
import { type Aggregate, aggregateFields } from '@dv/persistence';
import { type Connection, type Model, Schema, type SchemaDefinition } from 'mongoose';

/** One volume's sharing list: the aggregate the sharing service owns (`_id` = volume id). */
export interface SharingListDoc extends Aggregate {
  scopes: SharedScopeEntry[];
}

export const SHARING_LISTS_COLLECTION = 'sharing_lists';

export function sharingListModel(connection: Connection): Model<SharingListDoc> {
  const fields: SchemaDefinition = { ...aggregateFields, scopes: { type: [Schema.Types.Mixed], default: [] } };
  const schema = new Schema<SharingListDoc>(fields, { collection: SHARING_LISTS_COLLECTION, versionKey: false });
  return connection.model<SharingListDoc>(SHARING_LISTS_COLLECTION, schema);
}
