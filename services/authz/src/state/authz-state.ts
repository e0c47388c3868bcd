import { type AccessRule, type Revision } from '@dv/contracts';
import { type AppliedRevision, RevisionTracker } from '@dv/messaging';
import { Injectable } from '@nestjs/common';
import { RoleCatalog } from '../catalog/role-catalog';
import { DecisionEngine } from '../decisions/decision-engine';
import { RuleIndex } from '../rules/rule-index';
import { ScopeTree, type ScopeUpsert } from '@dv/org';

/**
 * This replica's view: the role catalog, the scope tree and the rule index, and how far into each
 * stream it has applied events (kept by AuthzSync). Reads and checks can wait (bounded) for a revision.
 */
@Injectable()
export class AuthzState {
  readonly catalog = RoleCatalog.load();
  readonly tree = new ScopeTree();
  readonly index = new RuleIndex();
  readonly engine = new DecisionEngine(this.catalog, this.tree, this.index);
  /** How far each stream is applied; AuthzSync moves it (and bounds it by the streams' heads). */
  readonly revisions = new RevisionTracker('authz');

  revision(): AppliedRevision {
    return this.revisions.current();
  }

  applyRule(rule: AccessRule, version: number): boolean {
    const role = this.catalog.get(rule.roleId);
    if (!role) return false; // a rule of a role this release no longer knows grants nothing
    const scope = this.tree.ensure(rule.scopeType, rule.scopeId);
    return this.index.apply({ rule, role, scope, version });
  }

  upsertScope(change: ScopeUpsert): boolean {
    return this.tree.upsert(change);
  }

  /** Resolves once this replica has applied the revision; UNAVAILABLE if it has not within the bound. */
  async waitFor(atLeast: Revision | undefined, timeoutMs: number): Promise<void> {
    await this.revisions.waitFor(atLeast, timeoutMs);
  }
}
