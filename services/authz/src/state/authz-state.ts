import { type AccessRule, type Revision } from '@dv/contracts';
import { NATS_CONNECTION, RevisionTracker, StreamHeads } from '@dv/messaging';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { RoleCatalog } from '../catalog/role-catalog';
import { DecisionEngine } from '../decisions/decision-engine';
import { RuleIndex } from '../rules/rule-index';
import { ScopeTree, type ScopeUpsert } from '@dv/org';

/**
 * This replica's view: the role catalog, the scope tree and the rule index, and how far into each
 * stream it has applied events. Reads and checks can wait (bounded) for a revision.
 */
@Injectable()
export class AuthzState {
  readonly catalog = RoleCatalog.load();
  readonly tree = new ScopeTree();
  readonly index = new RuleIndex();
  readonly engine = new DecisionEngine(this.catalog, this.tree, this.index);
  private readonly revisions: RevisionTracker;

  /** Without a connection (in-process benchmarks) a revision is only waited for. */
  constructor(@Optional() @Inject(NATS_CONNECTION) nc?: NatsConnection) {
    this.revisions = new RevisionTracker('authz');
    // A revision beyond the streams' heads is refused at once, not waited for.
    if (nc) this.revisions.boundBy(new StreamHeads(nc));
  }

  revision(): Required<Revision> {
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

  markApplied(stream: keyof Required<Revision>, seq: number): void {
    this.revisions.markApplied(stream, seq);
  }

  /** Resolves once this replica has applied the revision; UNAVAILABLE if it has not within the bound. */
  async waitFor(atLeast: Revision | undefined, timeoutMs: number): Promise<void> {
    await this.revisions.waitFor(atLeast, timeoutMs);
  }
}
