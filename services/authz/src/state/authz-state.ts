import { type AccessRule, DvError, type Revision } from '@dv/contracts';
import { Injectable } from '@nestjs/common';
import { RoleCatalog } from '../catalog/role-catalog';
import { DecisionEngine } from '../decisions/decision-engine';
import { RuleIndex } from '../rules/rule-index';
import { ScopeTree, type ScopeUpsert } from '@dv/org';

type Stream = keyof Required<Revision>;

interface Waiter {
  atLeast: Revision;
  resolve: () => void;
}

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
  private readonly applied: Required<Revision> = { events: 0, platform: 0 };
  private readonly waiters = new Set<Waiter>();

  revision(): Required<Revision> {
    return { ...this.applied };
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

  markApplied(stream: Stream, seq: number): void {
    if (seq <= this.applied[stream]) return;
    this.applied[stream] = seq;
    for (const waiter of this.waiters) {
      if (this.satisfies(waiter.atLeast)) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private satisfies(atLeast: Revision): boolean {
    return (atLeast.events ?? 0) <= this.applied.events && (atLeast.platform ?? 0) <= this.applied.platform;
  }

  /** Resolves once this replica has applied the revision; UNAVAILABLE if it has not within the bound. */
  async waitFor(atLeast: Revision | undefined, timeoutMs: number): Promise<void> {
    if (!atLeast || this.satisfies(atLeast)) return;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        atLeast,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          DvError.unavailable(`this authz replica has not reached revision ${JSON.stringify(atLeast)} within ${timeoutMs} ms`, {
            requested: atLeast,
            applied: this.revision(),
          }),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
