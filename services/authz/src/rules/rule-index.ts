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

/**
 * All active rules of one principal at one scope, with the OR of their roles' masks. Never changed
 * in place: a change replaces the object. With one rule, `masks` is that role's own (catalog) array.
 */
export interface ScopeGrants {
  readonly rules: IndexedRule[];
  readonly masks: Uint8Array;
}

/** One principal's grants, by scope. */
export type PrincipalGrants = Map<ScopeNode, ScopeGrants>;

export function principalKey(subjectType: SubjectType, subjectId: string): string {
  return `${subjectType}\u0000${subjectId}`;
}

function orMasks(rules: readonly IndexedRule[]): Uint8Array {
  const masks = new Uint8Array(RESOURCE_TYPES.length);
  for (const r of rules) for (let i = 0; i < masks.length; i++) masks[i] = (masks[i] as number) | (r.role.masks[i] as number);
  return masks;
}

function grantsOfRules(rules: IndexedRule[]): ScopeGrants {
  const only = rules.length === 1 ? rules[0] : undefined;
  return { rules, masks: only ? only.role.masks : orMasks(rules) };
}

/**
 * The in-memory index that answers decisions: principal → scope → the rules there and their
 * combined permission masks. A check is a handful of map lookups whatever the number of rules.
 * Every rule ever seen is kept by id (deleted ones for listing with includeDeleted).
 */
export class RuleIndex {
  readonly byId = new Map<string, IndexedRule>();
  /** Groups apart (most lookups of a check are groups), other subject types by type then id: no key to build per lookup. */
  private readonly groups = new Map<string, PrincipalGrants>();
  private readonly others = new Map<SubjectType, Map<string, PrincipalGrants>>();
  private readonly byScope = new Map<ScopeNode, IndexedRule[]>();
  private activeCount = 0;

  get active(): number {
    return this.activeCount;
  }

  /** By principalKey(subjectType, subjectId). */
  grantsOf(key: string): PrincipalGrants | undefined {
    const i = key.indexOf('\u0000');
    const type = key.slice(0, i);
    const id = key.slice(i + 1);
    if (type === 'group') return this.groups.get(id);
    for (const [t, principals] of this.others) if (t === type) return principals.get(id);
    return undefined;
  }

  principalGrants(subjectType: SubjectType, subjectId: string): PrincipalGrants | undefined {
    return subjectType === 'group' ? this.groups.get(subjectId) : this.others.get(subjectType)?.get(subjectId);
  }

  groupGrants(groupId: string): PrincipalGrants | undefined {
    return this.groups.get(groupId);
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

  private principals(subjectType: SubjectType): Map<string, PrincipalGrants> {
    if (subjectType === 'group') return this.groups;
    let principals = this.others.get(subjectType);
    if (!principals) this.others.set(subjectType, (principals = new Map()));
    return principals;
  }

  private link(entry: IndexedRule): void {
    const principals = this.principals(entry.rule.subjectType);
    let scopes = principals.get(entry.rule.subjectId);
    if (!scopes) principals.set(entry.rule.subjectId, (scopes = new Map()));
    const held = scopes.get(entry.scope);
    scopes.set(entry.scope, grantsOfRules(held ? [...held.rules, entry] : [entry]));
    const atScope = this.byScope.get(entry.scope);
    if (atScope) atScope.push(entry);
    else this.byScope.set(entry.scope, [entry]);
    this.activeCount++;
  }

  private unlink(entry: IndexedRule): void {
    const principals = this.principals(entry.rule.subjectType);
    const scopes = principals.get(entry.rule.subjectId);
    const grants = scopes?.get(entry.scope);
    if (scopes && grants) {
      const rules = grants.rules.filter((r) => r.rule.id !== entry.rule.id);
      if (rules.length === 0) {
        scopes.delete(entry.scope);
        if (scopes.size === 0) principals.delete(entry.rule.subjectId);
      } else {
        scopes.set(entry.scope, grantsOfRules(rules));
      }
    }
    const atScope = this.byScope.get(entry.scope)?.filter((r) => r.rule.id !== entry.rule.id);
    if (atScope && atScope.length > 0) this.byScope.set(entry.scope, atScope);
    else this.byScope.delete(entry.scope);
    this.activeCount--;
  }
}
