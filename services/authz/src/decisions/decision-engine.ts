import {
  ACTIONS,
  type Action,
  type Decision,
  type PermittedScopeSet,
  type Principal,
  type ResourceType,
  type RuleRef,
  SCOPE_TYPES,
  type ScopeType,
  type SubjectType,
} from '@dv/contracts';
import { ACTION_BIT, RESOURCE_INDEX, type RoleCatalog } from '../catalog/role-catalog';
import { type IndexedRule, type RuleIndex } from '../rules/rule-index';
import { type ScopeNode, type ScopeTree } from '@dv/org';

/**
 * The bare outcome of a decision. When allowed, where the deciding grants are: whose (the subject
 * itself or one of its groups) and at which scope; the deciding rule is looked up from that only
 * when an explanation is built (see `decidingRule`), in the same synchronous turn.
 */
export interface Outcome {
  readonly allowed: boolean;
  readonly grantee?: { readonly subjectType: SubjectType; readonly subjectId: string; readonly scope: ScopeNode };
}

const DENIED: Outcome = { allowed: false };

/** Farther than any scope: no grant found (yet). */
const NONE = 0xff;
/** The hierarchy has five levels (system, tenant, cluster, department, project): a scope has at most five ancestors-or-self. */
const MAX_DEPTH = SCOPE_TYPES.length;

export function ruleRef(entry: IndexedRule): RuleRef {
  const r = entry.rule;
  return {
    ruleId: r.id,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    roleId: r.roleId,
    roleName: entry.role.name,
    scopeType: r.scopeType,
    scopeId: r.scopeId,
  };
}

/**
 * Answers allowed(subject, action, resourceType, scope) from memory: some rule of the subject or one
 * of its groups, at the scope or an ancestor, whose role grants the action on the resource type.
 * Deny by default. The nearest scope wins the explanation.
 */
export class DecisionEngine {
  /**
   * Per scope id: 1 + its distance from the scope being decided when it is that scope or one of its
   * ancestors, else 0. Set for the ancestors at the start of each decision and cleared at its end.
   */
  private levelOf = new Uint8Array(256);
  /** The scope ids marked in levelOf by the decision under way. */
  private readonly marked = new Int32Array(MAX_DEPTH);

  constructor(
    readonly catalog: RoleCatalog,
    readonly tree: ScopeTree,
    readonly index: RuleIndex,
  ) {}

  /**
   * The hot path. `node` must be a live scope (see ScopeTree.live). The deciding grants are at the
   * nearest scope; at equal distance the subject's own come first, then its groups' in order.
   * Allocates only the outcome of an allowed decision.
   */
  decide(principal: Principal, action: Action, resourceType: ResourceType, node: ScopeNode): Outcome {
    const r = RESOURCE_INDEX.get(resourceType) as number;
    const bit = ACTION_BIT[action];
    const scopes = this.index.scopes;
    if (this.levelOf.length < scopes.size) this.levelOf = new Uint8Array(scopes.size * 2);
    const levelOf = this.levelOf;
    const marked = this.marked;
    let depth = 0;
    for (let n: ScopeNode | null = node; n !== null && depth < MAX_DEPTH; n = n.parent) {
      const id = scopes.of(n);
      depth++;
      if (id >= 0) levelOf[id] = depth;
      marked[depth - 1] = id;
    }
    // The marks must be cleared whatever happens: a mark left behind would grant in later decisions.
    try {
      this.search(principal, r, bit, depth);
    } finally {
      for (let i = 0; i < depth; i++) {
        const id = marked[i] as number;
        if (id >= 0) levelOf[id] = 0;
      }
    }
    const winner = this.winner;
    if (winner < 0) return DENIED;
    const scope = scopes.node(this.winnerScope);
    const grantee =
      winner === 0
        ? { subjectType: principal.subjectType, subjectId: principal.subjectId, scope }
        : { subjectType: 'group' as const, subjectId: principal.groups[winner - 1] as string, scope };
    return { allowed: true, grantee };
  }

  /** Set by `search` (decisions are synchronous): 0 the subject itself, g + 1 its group g, -1 none; and the scope id of the deciding grants. */
  private winner = -1;
  private winnerScope = -1;

  /** The nearest granting scope among the principal's grants and its groups', with the ancestors marked in levelOf. */
  private search(principal: Principal, r: number, bit: number, depth: number): void {
    const index = this.index;
    const grants = index.grants;
    const levelOf = this.levelOf;
    const marked = this.marked;
    const masks = index.masks.bytes;
    const stride = index.masks.stride;
    let level = NONE;
    this.winner = -1;
    this.winnerScope = -1;
    const own = grants.region(principal.subjectType, principal.subjectId);
    if (own >= 0) {
      const l = grants.nearest(own, levelOf, marked, depth, masks, stride, r, bit, level);
      if (l < level) {
        level = l;
        this.winner = 0;
        this.winnerScope = grants.found;
      }
    }
    const groups = principal.groups;
    for (let g = 0; g < groups.length && level > 1; g++) {
      const region = grants.groupRegion(groups[g] as string);
      if (region < 0) continue;
      // Strictly nearer only: at equal distance an earlier principal keeps the win.
      const l = grants.nearest(region, levelOf, marked, depth, masks, stride, r, bit, level);
      if (l < level) {
        level = l;
        this.winner = g + 1;
        this.winnerScope = grants.found;
      }
    }
  }

  /** The rule that decided an allowed outcome: the first applied of the grantee's rules there that grants the action. */
  decidingRule(outcome: Outcome, action: Action, resourceType: ResourceType): IndexedRule | undefined {
    const grantee = outcome.grantee;
    if (!outcome.allowed || !grantee) return undefined;
    const r = RESOURCE_INDEX.get(resourceType) as number;
    const bit = ACTION_BIT[action];
    return this.index.rulesOf(grantee.subjectType, grantee.subjectId, grantee.scope).find((g) => ((g.role.masks[r] as number) & bit) !== 0);
  }

  explain(principal: Principal, action: Action, resourceType: ResourceType, node: ScopeNode, outcome: Outcome): Decision {
    const scopePath = this.tree.path(node);
    const target = `${node.type} ${node.name === node.id ? node.id : `"${node.name}" (${node.id})`}`;
    const who = `${principal.subjectType} ${principal.subjectId}`;
    const rule = this.decidingRule(outcome, action, resourceType);
    if (outcome.allowed && rule) {
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
    if (outcome.allowed) {
      // The grant table and the rules it was built from disagree: never contradict the decision the
      // caller acts on. (Not reachable while both are changed together in RuleIndex.)
      throw new Error(`${who} may ${action} ${resourceType} in ${target}, but no deciding rule is indexed`);
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
    const entries = [
      ...this.index.grants.entries(principal.subjectType, principal.subjectId),
      ...principal.groups.flatMap((g) => this.index.grants.entries('group', g)),
    ];
    for (const a of action ? [action] : ACTIONS) {
      const bit = ACTION_BIT[a];
      const seen = new Set<ScopeNode>();
      for (const [scopeId, mask] of entries) {
        const scope = this.index.scopes.node(scopeId);
        if (!this.index.masks.grants(mask, r, bit) || !this.tree.isLive(scope)) continue;
        for (const n of this.tree.subtree(scope)) seen.add(n);
      }
      out[a] = toScopeSet(seen);
    }
    return out;
  }

  /**
   * The actions the principal may do on each resource type in at least one live scope (its rules and
   * its groups'): the caller's permissions summary. Reads only the principal's own grant entries.
   */
  actionsAnywhere(principal: Principal): Map<ResourceType, Action[]> {
    const entries = [
      ...this.index.grants.entries(principal.subjectType, principal.subjectId),
      ...principal.groups.flatMap((g) => this.index.grants.entries('group', g)),
    ].filter(([scopeId]) => this.tree.isLive(this.index.scopes.node(scopeId)));
    const out = new Map<ResourceType, Action[]>();
    for (const [resourceType, r] of RESOURCE_INDEX) {
      const actions = ACTIONS.filter((a) => entries.some(([, mask]) => this.index.masks.grants(mask, r, ACTION_BIT[a])));
      if (actions.length > 0) out.set(resourceType, actions);
    }
    return out;
  }

  /** Subjects (users, groups, apps, service accounts) with a rule granting the action at the scope or above. */
  whoCan(
    action: Action,
    resourceType: ResourceType,
    node: ScopeNode,
  ): Map<string, { subjectType: IndexedRule['rule']['subjectType']; subjectId: string; via: RuleRef[] }> {
    const r = RESOURCE_INDEX.get(resourceType) as number;
    const bit = ACTION_BIT[action];
    const out = new Map<string, { subjectType: IndexedRule['rule']['subjectType']; subjectId: string; via: RuleRef[] }>();
    for (let n: ScopeNode | null = node; n; n = n.parent) {
      for (const entry of this.index.rulesAt(n)) {
        if (((entry.role.masks[r] as number) & bit) === 0) continue;
        const key = `${entry.rule.subjectType}\u0000${entry.rule.subjectId}`;
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
