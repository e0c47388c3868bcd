import { DvError, type ScopeType } from '@dv/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from '../config/authz-config';
import { AuthzState } from '../state/authz-state';
import { AccessRuleRepository } from './access-rule.repository';
import { AccessRuleWriter } from './access-rule-writer';

/** The actor of the deletions: the rules end because their scope did, not by anyone's request. */
export const SCOPE_DELETION_ACTOR = 'scope-deletion';

/**
 * Retires the access rules of a deleted scope and of every scope below it. Each is deleted as a
 * caller's delete would be (its event through the outbox), by the system: listings and "my rules"
 * show it ended, every replica drops its grants, the audit log records why, and a scope created
 * again with the same id grants nothing from before. It runs in the scope projection's durable
 * consumer, so one replica handles each deletion; a redelivery finds nothing left to retire.
 */
@Injectable()
export class RuleRetirement {
  private readonly logger = new Logger('RuleRetirement');

  constructor(
    private readonly state: AuthzState,
    private readonly writer: AccessRuleWriter,
    private readonly rules: AccessRuleRepository,
    @Inject(AUTHZ_CONFIG) private readonly config: AuthzConfig,
  ) {}

  /** Retires the active rules at the scope and below; `platformSeq` is the deletion's stream sequence. */
  async retireUnder(type: ScopeType, id: string, platformSeq: number): Promise<number> {
    // This replica's tree knows the scope's children once it has applied the deletion itself.
    await this.state.waitFor({ platform: platformSeq }, this.config.AUTHZ_REVISION_WAIT_MS);
    const node = this.state.tree.get(type, id);
    if (!node) return 0;
    const below = [...this.state.tree.descendants(node)];
    const keys = new Set(below.map((n) => `${n.type}/${n.id}`));
    // Rules are read from MongoDB, not from this replica's index: one created on another replica an
    // instant before the deletion is there even if its event has not reached this replica yet.
    const candidates = await this.rules.activeAt([...new Set(below.map((n) => n.id))]);
    let retired = 0;
    for (const doc of candidates) {
      if (!keys.has(`${doc.scopeType}/${doc.scopeId}`)) continue;
      try {
        await this.writer.delete(doc._id, { kind: 'system', name: SCOPE_DELETION_ACTOR });
        retired++;
      } catch (error) {
        // Deleted meanwhile by someone else: nothing left to do for it.
        if (error instanceof DvError && (error.code === 'NOT_FOUND' || error.code === 'PRECONDITION_FAILED')) continue;
        throw error;
      }
    }
    if (retired > 0) this.logger.log(`${type} ${id} was deleted: retired ${retired} access rules at it and below`);
    return retired;
  }
}
