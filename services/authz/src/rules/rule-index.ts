import { type AccessRule, type SubjectType } from '@dv/contracts';
import { type CatalogRole } from '../catalog/role-catalog';
import { type ScopeNode } from '@dv/org';
import { GrantTable } from './grant-table';
import { MaskTable } from './mask-table';
import { ScopeIds } from './scope-ids';

export interface IndexedRule {
  readonly rule: AccessRule;
  readonly role: CatalogRole;
  readonly scope: ScopeNode;
  /** The rule's aggregate version: 1 created, 2 deleted. */
  readonly version: number;
}

/** The active rules of one principal at one scope, in the order they were applied: one rule alone, or a list. */
type Held = IndexedRule | readonly IndexedRule[];

function heldList(held: Held | undefined): readonly IndexedRule[] {
  if (held === undefined) return [];
  return isList(held) ? held : [held];
}

function isList(held: Held): held is readonly IndexedRule[] {
  return Array.isArray(held);
}

/**
 * The in-memory index that answers decisions. Two views of the active rules:
 *
 * - `grants` (GrantTable), for the hot path: per principal, packed (scope id, mask id) pairs, where
 *   the mask is the OR of the roles of the principal's rules at that scope (MaskTable);
 * - by scope, then principal: the rule objects themselves, for explanations (which rule decided)
 *   and for who-can.
 *
 * Every rule ever seen is kept by id (deleted ones for listing with includeDeleted).
 */
export class RuleIndex {
  readonly byId = new Map<string, IndexedRule>();
  /** The same rules by number (those that have one). */
  readonly byNumber = new Map<number, IndexedRule>();
  /** The highest rule number seen: where a new rule's number is looked for first. */
  highestNumber = 0;
  readonly scopes = new ScopeIds();
  readonly masks = new MaskTable();
  readonly grants = new GrantTable();
  /** Scope → subject type → subject id → the rules there. */
  private readonly byScope = new Map<ScopeNode, Map<SubjectType, Map<string, Held>>>();
  /** Mask id of each role alone (the common case: one rule per principal and scope). */
  private readonly roleMask = new Map<CatalogRole, number>();
  private activeCount = 0;

  get active(): number {
    return this.activeCount;
  }

  /** The principal's active rules at the scope, in the order they were applied. */
  rulesOf(subjectType: SubjectType, subjectId: string, scope: ScopeNode): readonly IndexedRule[] {
    return heldList(this.byScope.get(scope)?.get(subjectType)?.get(subjectId));
  }

  /** Every active rule at the scope, grouped by principal (in the order principals first got one there). */
  *rulesAt(scope: ScopeNode): Generator<IndexedRule> {
    const bySubject = this.byScope.get(scope);
    if (!bySubject) return;
    for (const byId of bySubject.values()) for (const held of byId.values()) yield* heldList(held);
  }

  /** Applies a rule's state if it is newer than what is held; returns whether anything changed. */
  apply(entry: IndexedRule): boolean {
    const held = this.byId.get(entry.rule.id);
    if (held && held.version >= entry.version) return false;
    if (held && held.rule.status === 'active') this.unlink(held);
    this.byId.set(entry.rule.id, entry);
    const { number } = entry.rule;
    if (number !== undefined) {
      this.byNumber.set(number, entry);
      this.highestNumber = Math.max(this.highestNumber, number);
    }
    if (entry.rule.status === 'active') this.link(entry);
    return true;
  }

  private link(entry: IndexedRule): void {
    const { subjectType, subjectId } = entry.rule;
    let bySubject = this.byScope.get(entry.scope);
    if (!bySubject) this.byScope.set(entry.scope, (bySubject = new Map()));
    let byId = bySubject.get(subjectType);
    if (!byId) bySubject.set(subjectType, (byId = new Map()));
    const held = byId.get(subjectId);
    const rules = held === undefined ? entry : [...heldList(held), entry];
    byId.set(subjectId, rules);
    this.grants.set(subjectType, subjectId, this.scopes.ensure(entry.scope), this.maskOf(rules));
    this.activeCount++;
  }

  private unlink(entry: IndexedRule): void {
    const { subjectType, subjectId } = entry.rule;
    const bySubject = this.byScope.get(entry.scope);
    const byId = bySubject?.get(subjectType);
    const held = byId?.get(subjectId);
    if (bySubject && byId && held !== undefined) {
      const left = heldList(held).filter((r) => r.rule.id !== entry.rule.id);
      const scope = this.scopes.ensure(entry.scope);
      if (left.length === 0) {
        byId.delete(subjectId);
        if (byId.size === 0) bySubject.delete(subjectType);
        if (bySubject.size === 0) this.byScope.delete(entry.scope);
        this.grants.delete(subjectType, subjectId, scope);
      } else {
        const rules = left.length === 1 ? (left[0] as IndexedRule) : left;
        byId.set(subjectId, rules);
        this.grants.set(subjectType, subjectId, scope, this.maskOf(rules));
      }
    }
    this.activeCount--;
  }

  private maskOf(rules: Held): number {
    if (!isList(rules)) {
      let id = this.roleMask.get(rules.role);
      if (id === undefined) this.roleMask.set(rules.role, (id = this.masks.intern(rules.role.masks)));
      return id;
    }
    return this.masks.union(rules.map((r) => r.role.masks));
  }
}
