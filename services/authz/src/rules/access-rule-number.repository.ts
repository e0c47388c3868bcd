import { PlainRepository, isDuplicateKeyError } from '@dv/persistence';
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

  /**
   * Claims the number for the rule; false when it is taken. With the driver's insertOne rather than
   * insertMany (PlainRepository.insertOnce): with the store down, insertMany fails with a bulk-write
   * error that does not say the store is unreachable (so the caller got INTERNAL), insertOne with the
   * driver's network error (UNAVAILABLE: test/faults/store-outage.test.ts).
   */
  async claim(number: number, ruleId: string): Promise<boolean> {
    const doc: AccessRuleNumberDoc = { _id: String(number), number, ruleId };
    // The driver's own types want an ObjectId _id; ours is the number's text (the schema says so).
    const plain: Record<string, unknown> = { ...doc };
    try {
      await this.model.collection.insertOne(plain);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
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
