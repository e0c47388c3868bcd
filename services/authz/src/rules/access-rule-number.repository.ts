import { PlainRepository } from '@dv/persistence';
import { type Connection } from 'mongoose';
import { type AccessRuleNumberDoc, accessRuleNumberModel } from './access-rule-number.model';

/**
 * The rule numbers (`access_rule_numbers`): the REST API's integer rule ids. A number is claimed by
 * inserting it as an `_id`, which every store keeps unique (FerretDB included, decision 0012), so
 * replicas racing for one number cannot both get it; the claim also maps the number to its rule.
 */
export class AccessRuleNumberRepository extends PlainRepository<AccessRuleNumberDoc> {
  constructor(connection: Connection) {
    super(accessRuleNumberModel(connection));
  }

  /** Claims the number for the rule; false when it is taken. */
  claim(number: number, ruleId: string): Promise<boolean> {
    return this.insertOnce({ _id: String(number), number, ruleId });
  }

  /** The rule a number was claimed for. */
  async ruleIdOf(number: number): Promise<string | undefined> {
    return (await this.findOne({ _id: String(number) }))?.ruleId;
  }

  /** The highest number claimed (0 for none). */
  async highest(): Promise<number> {
    const [top] = await this.findMany({}, { sort: { number: -1 }, limit: 1 });
    return top?.number ?? 0;
  }
}
