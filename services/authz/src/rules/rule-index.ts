import { type AccessRule, RESOURCE_TYPES, type SubjectType } from '@dv/contracts';
import { type CatalogRole } from '../catalog/role-catalog';
import { type ScopeNode } from '@dv/org';


export interface IndexedRule {
  readonly rule: AccessRule;
  readonly role: CatalogRole;
  readonly scope: ScopeNode;
  /** The rule's aggregate version: 1 created, 2 deleted. */
  readonly version: number;
}

/** All active rules of one principal at one scope, with the OR of their roles' masks. */
export interface ScopeGrants {
  readonly rules: IndexedRule[];
  readonly masks: Uint8Array;
}

export function principalKey(subjectType: SubjectType, subjectId: string): string {
  return `${subjectType}\u0000${subjectId}`;
}

/**
 * The in-memory index that answers decisions: principal → scope → the rules there and their
 * combined permission masks. A check is a handful of map lookups whatever the number of rules.
 * Every rule ever seen is kept by id (deleted ones for listing with includeDeleted).
 */
export class RuleIndex {
  readonly byId = new Map<string, IndexedRule>();
  private readonly byPrincipal = new Map<string, Map<ScopeNode, ScopeGrants>>();
  private readonly byScope = new Map<ScopeNode, IndexedRule[]>();
  private activeCount = 0;

  get active(): number {
    return this.activeCount;
  }

  grantsOf(key: string): Map<ScopeNode, ScopeGrants> | undefined {
    return this.byPrincipal.get(key);
  }

  rulesAt(scope: ScopeNode): readonly IndexedRule[] {
    return this.byScope.get(scope) ?? [];
  }

  /** Applies a rule's state if it is newer than what is held; returns whether anything changed. */
  apply(entry: IndexedRule): boolean {
    const held = this.byId.get(entry.rule.id);
    if (held && held.version >= entry.version) return false;
    if (held && held.rule.status === 'active') this.unlink(held);
    this.byId.set(entry.rule.id, entry);
    if (entry.rule.status === 'active') this.link(entry);
    return true;
  }

  private link(entry: IndexedRule): void {
    const key = principalKey(entry.rule.subjectType, entry.rule.subjectId);
    let scopes = this.byPrincipal.get(key);
    if (!scopes) this.byPrincipal.set(key, (scopes = new Map()));
    let grants = scopes.get(entry.scope);
    if (!grants) scopes.set(entry.scope, (grants = { rules: [], masks: new Uint8Array(RESOURCE_TYPES.length) }));
    grants.rules.push(entry);
    for (let i = 0; i < grants.masks.length; i++) grants.masks[i] = (grants.masks[i] as number) | (entry.role.masks[i] as number);
    const atScope = this.byScope.get(entry.scope);
    if (atScope) atScope.push(entry);
    else this.byScope.set(entry.scope, [entry]);
    this.activeCount++;
  }

  private unlink(entry: IndexedRule): void {
    const key = principalKey(entry.rule.subjectType, entry.rule.subjectId);
    const scopes = this.byPrincipal.get(key);
    const grants = scopes?.get(entry.scope);
    if (scopes && grants) {
      const rules = grants.rules.filter((r) => r.rule.id !== entry.rule.id);
      if (rules.length === 0) {
        scopes.delete(entry.scope);
        if (scopes.size === 0) this.byPrincipal.delete(key);
      } else {
        const masks = new Uint8Array(RESOURCE_TYPES.length);
        for (const r of rules) for (let i = 0; i < masks.length; i++) masks[i] = (masks[i] as number) | (r.role.masks[i] as number);
        scopes.set(entry.scope, { rules, masks });
      }
    }
    const atScope = this.byScope.get(entry.scope)?.filter((r) => r.rule.id !== entry.rule.id);
    if (atScope && atScope.length > 0) this.byScope.set(entry.scope, atScope);
    else this.byScope.delete(entry.scope);
    this.activeCount--;
  }
}

