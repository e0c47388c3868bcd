import { type AccessRule } from '@dv/contracts';
import { type Aggregate, aggregateFields } from '@dv/persistence';
import { type Connection, type Model, Schema } from 'mongoose';

/** An access rule as stored: the rule, its outbox, and the key that makes an active rule unique. */
export interface AccessRuleDoc extends Aggregate, Omit<AccessRule, 'id'> {
  /** subject|role|scope while active; `deleted:<id>` after, so the same rule can be created again. */
  activeKey: string;
}

export const ACCESS_RULES_COLLECTION = 'access_rules';

export function activeKeyOf(rule: Pick<AccessRule, 'subjectType' | 'subjectId' | 'roleId' | 'scopeType' | 'scopeId'>): string {
  return [rule.subjectType, rule.subjectId, rule.roleId, rule.scopeType, rule.scopeId].join('|');
}

export function accessRuleModel(connection: Connection): Model<AccessRuleDoc> {
  const schema = new Schema<AccessRuleDoc>(
    {
      ...aggregateFields,
      activeKey: { type: String, required: true },
      number: { type: Number },
      subjectType: { type: String, required: true },
      subjectId: { type: String, required: true },
      roleId: { type: Number, required: true },
      roleName: { type: String, required: true },
      scopeType: { type: String, required: true },
      scopeId: { type: String, required: true },
      scopeName: { type: String, required: true },
      clusterId: { type: String },
      tenantId: { type: String },
      createdAt: { type: String, required: true },
      createdBy: { type: String, required: true },
      deletedAt: { type: String },
      deletedBy: { type: String },
      status: { type: String, required: true },
    },
    { collection: ACCESS_RULES_COLLECTION, versionKey: false },
  );
  schema.index({ activeKey: 1 }, { unique: true });
  return connection.model<AccessRuleDoc>(ACCESS_RULES_COLLECTION, schema);
}

export function toAccessRule(doc: AccessRuleDoc): AccessRule {
  const rule: AccessRule = {
    id: doc._id,
    subjectType: doc.subjectType,
    subjectId: doc.subjectId,
    roleId: doc.roleId,
    roleName: doc.roleName,
    scopeType: doc.scopeType,
    scopeId: doc.scopeId,
    scopeName: doc.scopeName,
    createdAt: doc.createdAt,
    createdBy: doc.createdBy,
    status: doc.status,
  };
  if (doc.number !== undefined) rule.number = doc.number;
  if (doc.clusterId) rule.clusterId = doc.clusterId;
  if (doc.tenantId) rule.tenantId = doc.tenantId;
  if (doc.deletedAt) rule.deletedAt = doc.deletedAt;
  if (doc.deletedBy) rule.deletedBy = doc.deletedBy;
  return rule;
}
