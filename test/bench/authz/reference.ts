// Checks of correctness that do not share code with the index: a naive evaluation of the generated
// rules, and checks aimed at rules (so that agreement is also tested where the answer is "allowed").
import { ACTIONS, type Action, RESOURCE_TYPES, type ResourceType } from '@dv/contracts';
import { type GenCheck, type GenOrg, type GenRule, type GenScope, type GenUser, type Rng } from './org';

export interface RolePermissions {
  id: number;
  permissions: readonly { resourceType: string; actions: readonly string[] }[];
}

/** Allowed iff a rule of the user or one of its groups, at the scope or an ancestor, has a role granting the action. */
export class NaiveEvaluator {
  private readonly bySubject = new Map<string, GenRule[]>();
  private readonly grants = new Map<number, Set<string>>();

  constructor(rules: readonly GenRule[], roles: readonly RolePermissions[]) {
    for (const rule of rules) {
      const key = `${rule.subjectType}:${rule.subjectId}`;
      const list = this.bySubject.get(key);
      if (list) list.push(rule);
      else this.bySubject.set(key, [rule]);
    }
    for (const role of roles) this.grants.set(role.id, new Set(role.permissions.flatMap((p) => p.actions.map((a) => `${p.resourceType}:${a}`))));
  }

  allowed(check: GenCheck): boolean {
    const subjects = [`user:${check.user.principal.subjectId}`, ...check.user.principal.groups.map((g) => `group:${g}`)];
    for (const subject of subjects) {
      for (const rule of this.bySubject.get(subject) ?? []) {
        if (check.scope.path.includes(rule.scope.key) && (this.grants.get(rule.roleId)?.has(`${check.resourceType}:${check.action}`) ?? false)) return true;
      }
    }
    return false;
  }
}

/**
 * Checks aimed at random rules: a user holding the rule (itself, or a member of the rule's group), in
 * the rule's scope or below it (or, one time in four, in its parent, where it grants nothing), and
 * mostly an action the role grants. Most are "allowed"; the random checks are mostly "denied".
 */
export function targetedChecks(org: GenOrg, rules: readonly GenRule[], roles: readonly RolePermissions[], count: number, rng: Rng): GenCheck[] {
  const members = new Map<string, GenUser[]>();
  const userById = new Map<string, GenUser>();
  for (const user of org.users) {
    userById.set(user.principal.subjectId, user);
    for (const g of user.principal.groups) {
      const list = members.get(g);
      if (list) list.push(user);
      else members.set(g, [user]);
    }
  }
  const below = new Map<string, GenScope[]>();
  for (const scope of [org.system, ...org.scopes]) {
    for (const key of scope.path) {
      const list = below.get(key);
      if (list) list.push(scope);
      else below.set(key, [scope]);
    }
  }
  const roleById = new Map(roles.map((r) => [r.id, r]));
  const out: GenCheck[] = [];
  for (let attempts = 0; out.length < count && attempts < count * 20; attempts++) {
    const rule = rng.pick(rules);
    const holders = rule.subjectType === 'user' ? [userById.get(rule.subjectId)].filter((u) => u !== undefined) : (members.get(rule.subjectId) ?? []);
    if (holders.length === 0) continue;
    const user = rng.pick(holders);
    const scope = rng.next() < 0.25 && rule.scope.parent ? rule.scope.parent : rng.pick(below.get(rule.scope.key) ?? [rule.scope]);
    const granted = (roleById.get(rule.roleId)?.permissions ?? []).flatMap((p) =>
      p.actions.map((a) => ({ resourceType: p.resourceType as ResourceType, action: a as Action })),
    );
    const pick = rng.next() < 0.8 && granted.length > 0 ? rng.pick(granted) : { resourceType: rng.pick(RESOURCE_TYPES), action: rng.pick(ACTIONS) };
    out.push({ user, action: pick.action, resourceType: pick.resourceType, scope });
  }
  return out;
}
