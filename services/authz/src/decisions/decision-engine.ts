import {
  ACTIONS,
  type Action,
  type Decision,
  type PermittedScopeSet,
  type Principal,
  type ResourceType,
  type RuleRef,
  type ScopeType,
} from '@dv/contracts';
import { ACTION_BIT, RESOURCE_INDEX, type RoleCatalog } from '../catalog/role-catalog';
import { type IndexedRule, type PrincipalGrants, type RuleIndex, type ScopeGrants, principalKey } from '../rules/rule-index';
import { type ScopeNode, type ScopeTree } from '@dv/org';

/** The bare outcome of a decision: the deciding rule, or none. Explanations are built from it on demand. */
export interface Outcome {
  readonly allowed: boolean;
  readonly rule: IndexedRule | undefined;
}

const DENIED: Outcome = { allowed: false, rule: undefined };

/** Farther than any scope: no grant found (yet). */
const NONE = Number.MAX_SAFE_INTEGER;

export function ruleRef(entry: IndexedRule): RuleRef {
  const r = entry.rule;
  return { ruleId: r.id, subjectType: r.subjectType, subjectId: r.subjectId, roleId: r.roleId, roleName: entry.role.name, scopeType: r.scopeType, scopeId: r.scopeId };
}

/**
 * Answers allowed(subject, action, resourceType, scope) from memory: some rule of the subject or one
 * of its groups, at the scope or an ancestor, whose role grants the action on the resource type.
 * Deny by default. The nearest scope wins the explanation.
 */
export class DecisionEngine {
  constructor(
    readonly catalog: RoleCatalog,
    readonly tree: ScopeTree,
    readonly index: RuleIndex,
  ) {}

  /** The principal's grant maps: its own and its groups'. */
  private grantMaps(principal: Principal): Map<ScopeNode, ScopeGrants>[] {
    const maps: Map<ScopeNode, ScopeGrants>[] = [];
    const own = this.index.principalGrants(principal.subjectType, principal.subjectId);
    if (own) maps.push(own);
    for (const group of principal.groups) {
      const m = this.index.groupGrants(group);
      if (m) maps.push(m);
    }
    return maps;
  }

  /** The grants found by the last `nearest` (decide is synchronous, so one slot serves every call). */
  private found: ScopeGrants | undefined;

  /**
   * How many levels above `node` (0: the node itself) the nearest scope is where these grants allow
   * bit on resource r, if nearer than `below`; else `below`. Sets `found` to those grants.
   */
  private nearest(grantsByScope: PrincipalGrants, node: ScopeNode, r: number, bit: number, below: number): number {
    let level = 0;
    for (let n: ScopeNode | null = node; n !== null && level < below; n = n.parent, level++) {
      const grants = grantsByScope.get(n);
      if (grants && ((grants.masks[r] as number) & bit) !== 0) {
        this.found = grants;
        return level;
      }
    }
    return below;
  }

  /**
   * The hot path. `node` must be a live scope (see ScopeTree.live). The deciding grants are at the
   * nearest scope; at equal distance the subject's own come first, then its groups' in order.
   */
  decide(principal: Principal, action: Action, resourceType: ResourceType, node: ScopeNode): Outcome {
    const r = RESOURCE_INDEX.get(resourceType) as number;
    const bit = ACTION_BIT[action];
    let level = NONE;
    let winner: ScopeGrants | undefined;
    const own = this.index.principalGrants(principal.subjectType, principal.subjectId);
    if (own) {
      const l = this.nearest(own, node, r, bit, level);
      if (l < level) {
        level = l;
        winner = this.found;
      }
    }
    const groups = principal.groups;
    for (let g = 0; g < groups.length && level > 0; g++) {
      const pg = this.index.groupGrants(groups[g] as string);
      if (!pg) continue;
      // Strictly nearer only: at equal distance an earlier principal keeps the win.
      const l = this.nearest(pg, node, r, bit, level);
      if (l < level) {
        level = l;
        winner = this.found;
      }
    }
    this.found = undefined;
    if (!winner) return DENIED;
    for (const g of winner.rules) if (((g.role.masks[r] as number) & bit) !== 0) return { allowed: true, rule: g };
    return { allowed: true, rule: undefined };
  }

  explain(principal: Principal, action: Action, resourceType: ResourceType, node: ScopeNode, outcome: Outcome): Decision {
    const scopePath = this.tree.path(node);
    const target = `${node.type} ${node.name === node.id ? node.id : `"${node.name}" (${node.id})`}`;
    const who = `${principal.subjectType} ${principal.subjectId}`;
    if (outcome.allowed && outcome.rule) {
      const rule = outcome.rule;
      const via = rule.rule.subjectType === 'group' ? ` through group ${rule.rule.subjectId}` : '';
      const where = rule.scope === node ? target : `${rule.scope.type} ${rule.scope.id}, which contains ${target}`;
      return {
        allowed: true,
        reason: 'granted',
        message: `${who} may ${action} ${resourceType} in ${target}: ${rule.role.name}${via} in ${where} (rule ${rule.rule.id})`,
        grantedBy: ruleRef(rule),
        scopePath,
      };
    }
    return {
      allowed: false,
      reason: 'no-matching-rule',
      message: `${who} may not ${action} ${resourceType} in ${target}: no rule of the subject or its groups, in this scope or above it, has a role granting it`,
      scopePath,
    };
  }

  /** Every live scope where the principal may do each action (the rules' scopes and all below them). */
  permittedScopes(principal: Principal, resourceType: ResourceType, action?: Action): Partial<Record<Action, PermittedScopeSet>> {
    const r = RESOURCE_INDEX.get(resourceType) as number;
    const out: Partial<Record<Action, PermittedScopeSet>> = {};
    const maps = this.grantMaps(principal);
    for (const a of action ? [action] : ACTIONS) {
      const bit = ACTION_BIT[a];
      const seen = new Set<ScopeNode>();
      for (const map of maps) {
        for (const [scope, grants] of map) {
          if (((grants.masks[r] as number) & bit) === 0 || !this.tree.isLive(scope)) continue;
          for (const n of this.tree.subtree(scope)) seen.add(n);
        }
      }
      out[a] = toScopeSet(seen);
    }
    return out;
  }

  /** Subjects (users, groups, apps, service accounts) with a rule granting the action at the scope or above. */
  whoCan(action: Action, resourceType: ResourceType, node: ScopeNode): Map<string, { subjectType: IndexedRule['rule']['subjectType']; subjectId: string; via: RuleRef[] }> {
    const r = RESOURCE_INDEX.get(resourceType) as number;
    const bit = ACTION_BIT[action];
    const out = new Map<string, { subjectType: IndexedRule['rule']['subjectType']; subjectId: string; via: RuleRef[] }>();
    for (let n: ScopeNode | null = node; n; n = n.parent) {
      for (const entry of this.index.rulesAt(n)) {
        if (((entry.role.masks[r] as number) & bit) === 0) continue;
        const key = principalKey(entry.rule.subjectType, entry.rule.subjectId);
        const found = out.get(key);
        if (found) found.via.push(ruleRef(entry));
        else out.set(key, { subjectType: entry.rule.subjectType, subjectId: entry.rule.subjectId, via: [ruleRef(entry)] });
      }
    }
    return out;
  }
}

function toScopeSet(nodes: Iterable<ScopeNode>): PermittedScopeSet {
  const lists: Record<Exclude<ScopeType, 'system'>, string[]> = { tenant: [], cluster: [], department: [], project: [] };
  let system = false;
  for (const n of nodes) {
    if (n.type === 'system') system = true;
    else lists[n.type].push(n.id);
  }
  for (const list of Object.values(lists)) list.sort();
  return { system, tenants: lists.tenant, clusters: lists.cluster, departments: lists.department, projects: lists.project };
}
