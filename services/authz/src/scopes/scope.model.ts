import { type ScopeType } from '@dv/contracts';
import { type Connection, type Model, Schema } from 'mongoose';

/** authz's projection of the org events: one document per scope, versioned by stream sequence. */
export interface ScopeDoc {
  /** `<type>/<id>`: ids are unique per type only. */
  _id: string;
  type: ScopeType;
  id: string;
  name: string;
  parentType: ScopeType | null;
  parentId: string | null;
  namespace?: string;
  deleted: boolean;
  /** Stream sequence of the org event that produced this state. */
  version: number;
}

export const SCOPES_COLLECTION = 'scopes';

export function scopeKey(type: ScopeType, id: string): string {
  return `${type}/${id}`;
}

export function scopeModel(connection: Connection): Model<ScopeDoc> {
  const schema = new Schema<ScopeDoc>(
    {
      _id: { type: String, required: true },
      type: { type: String, required: true },
      id: { type: String, required: true },
      name: { type: String, required: true },
      parentType: { type: String, default: null },
      parentId: { type: String, default: null },
      namespace: { type: String },
      deleted: { type: Boolean, required: true },
      version: { type: Number, required: true },
    },
    { collection: SCOPES_COLLECTION, versionKey: false },
  );
  return connection.model<ScopeDoc>(SCOPES_COLLECTION, schema);
}
