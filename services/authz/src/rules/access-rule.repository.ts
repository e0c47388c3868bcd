import { AggregateRepository } from '@dv/persistence';
import { type Connection } from 'mongoose';
import { type AccessRuleDoc, accessRuleModel } from './access-rule.model';

/** Where a rule grants: what retiring the rules under a deleted scope reads. */
export type RulePlace = Pick<AccessRuleDoc, '_id' | 'scopeType' | 'scopeId'>;

/** The access rules (`access_rules`): the aggregate's guarded writes, the snapshot, and the rules at given scopes. */
export class AccessRuleRepository extends AggregateRepository<AccessRuleDoc> {
  constructor(connection: Connection) {
    super(accessRuleModel(connection), 'access rule', 'subject, role and scope');
  }

  /** Every rule, active and deleted (a replica's snapshot at start). */
  all(): Promise<AccessRuleDoc[]> {
    return this.findMany({});
  }

  /** The active rules at scopes with these ids (of any type: the caller checks the type). */
  activeAt(scopeIds: string[]): Promise<RulePlace[]> {
    return this.findFields({ status: 'active', scopeId: { $in: scopeIds } }, ['scopeType', 'scopeId']);
  }
}
