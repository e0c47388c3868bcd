// Our side of the in-process benchmark: the service's own AuthzState (role catalog, ScopeTree,
// RuleIndex, DecisionEngine), filled the way AuthzSync fills it (tree.upsert per org event,
// applyRule per access rule), and checks answered the way CheckController does (tree.live, then
// engine.decide).
import { type AccessRule, type Action, type Principal, type ResourceType, type ScopeType, checkItemSchema } from '@dv/contracts';
import { AuthzState } from './authz-internals';
import { type GenCheck, type GenOrg, type GenScope } from './org';

export interface OurCheck {
  principal: Principal;
  action: Action;
  resourceType: ResourceType;
  scopeType: ScopeType;
  scopeId: string;
}

/**
 * A check as the service holds it after decoding a request: the item goes through JSON and the
 * request schema, so every check has its own principal, strings and arrays (freshly allocated, as
 * a request's are), not the generated org's shared objects.
 */
export function toOurCheck(check: GenCheck): OurCheck {
  const json = JSON.stringify({
    subject: check.user.principal,
    action: check.action,
    resourceType: check.resourceType,
    scope: { scopeType: check.scope.type, scopeId: check.scope.id },
  });
  const item = checkItemSchema.parse(JSON.parse(json));
  return { principal: item.subject, action: item.action, resourceType: item.resourceType, scopeType: item.scope.scopeType, scopeId: item.scope.scopeId };
}

/** Every scope of the org, in order (parents first), as org events would create them. */
export function buildTree(state: AuthzState, org: GenOrg): void {
  let seq = 0;
  for (const scope of org.scopes) {
    const parent: GenScope | null = scope.parent;
    if (!parent) throw new Error(`scope ${scope.key} has no parent`);
    state.upsertScope({ type: scope.type, id: scope.id, name: scope.name, parent: { scopeType: parent.type, scopeId: parent.id }, version: ++seq });
  }
}

/** Applies rules as the start-up snapshot does (version 1: created); returns how many changed the index. */
export function applyRules(state: AuthzState, rules: readonly AccessRule[]): number {
  let applied = 0;
  for (const rule of rules) if (state.applyRule(rule, 1)) applied++;
  return applied;
}

/** One check, as the service answers it: the live scope node by type and id, then the decision. */
export function decide(state: AuthzState, check: OurCheck): boolean {
  const node = state.tree.live(check.scopeType, check.scopeId);
  if (!node) throw new Error(`${check.scopeType} ${check.scopeId} is not a live scope`);
  return state.engine.decide(check.principal, check.action, check.resourceType, node).allowed;
}

export { AuthzState };
