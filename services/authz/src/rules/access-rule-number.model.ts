import { type Connection, type Model, Schema } from 'mongoose';

/** A rule number claimed for a rule: `_id` is the number (as text), so two claims of one number cannot both be stored. */
export interface AccessRuleNumberDoc {
  _id: string;
  number: number;
  ruleId: string;
}

export const ACCESS_RULE_NUMBERS_COLLECTION = 'access_rule_numbers';

export function accessRuleNumberModel(connection: Connection): Model<AccessRuleNumberDoc> {
  const schema = new Schema<AccessRuleNumberDoc>(
    {
      _id: { type: String, required: true },
      number: { type: Number, required: true },
      ruleId: { type: String, required: true },
    },
    { collection: ACCESS_RULE_NUMBERS_COLLECTION, versionKey: false },
  );
  schema.index({ number: -1 });
  return connection.model<AccessRuleNumberDoc>(ACCESS_RULE_NUMBERS_COLLECTION, schema);
}
