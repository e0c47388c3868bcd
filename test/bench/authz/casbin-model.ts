// The same authorization data as a casbin RBAC-with-domains model (casbin, the npm package), for the
// in-process comparison. Two models of the same semantics are built:
//
// - `domain-matching` (the headline): request (sub, g1..g5, dom, obj, act); policies `p, role, obj, act`
//   (one per action a role grants on a resource type, from the role catalog); grouping `g, subject, role,
//   ruleScope` (one per access rule); a domain matching function on g that is true when the rule's
//   scope is the requested scope or one of its ancestors, so a rule grants in its whole subtree.
// - `ancestor-path`: the same policies and grouping, no domain matching function; the request carries
//   the requested scope and its ancestors (d0..d4) and the matcher tries g() in each of them.
//
// In both, the user's groups travel in the request (g1..g5, "" when fewer), exactly as the authz check
// request carries `subject.groups`: a rule of a group grants to the user when the user is in the group.
// Keeping memberships in casbin instead (`g, user, group, <domain matching every scope>`) was tried and
// rejected: casbin's DefaultRoleManager copies every link of every matching domain on each g() call,
// so 50,000 users' memberships would be copied on every call.
import { type Enforcer, newEnforcer, newModelFromString } from 'casbin';
import { type GenCheck, type GenOrg, type GenRule, type GenScope } from './org';

export type CasbinVariant = 'domain-matching' | 'ancestor-path';

export const MAX_GROUPS = 5;
const PATH_DEPTH = 5;

const groupTokens = Array.from({ length: MAX_GROUPS }, (_, i) => `g${i + 1}`);
const domainTokens = Array.from({ length: PATH_DEPTH }, (_, i) => `d${i}`);
const subjects = ['r.sub', ...groupTokens.map((g) => `r.${g}`)];

/** Cheap equality tests first: casbin evaluates the matcher once per policy line, and && short-circuits. */
function matcher(variant: CasbinVariant): string {
  const guard = (s: string, inner: string): string => (s === 'r.sub' ? inner : `(${s} != "" && ${inner})`);
  if (variant === 'domain-matching') {
    return `r.obj == p.obj && r.act == p.act && (${subjects.map((s) => guard(s, `g(${s}, p.role, r.dom)`)).join(' || ')})`;
  }
  const inAnyScope = (s: string): string =>
    `(${domainTokens.map((d, i) => (i === 0 ? `g(${s}, p.role, r.${d})` : `(r.${d} != "" && g(${s}, p.role, r.${d}))`)).join(' || ')})`;
  return `r.obj == p.obj && r.act == p.act && (${subjects.map((s) => guard(s, inAnyScope(s))).join(' || ')})`;
}

export function modelText(variant: CasbinVariant): string {
  const request = variant === 'domain-matching' ? ['sub', ...groupTokens, 'dom', 'obj', 'act'] : ['sub', ...groupTokens, ...domainTokens, 'obj', 'act'];
  return [
    '[request_definition]',
    `r = ${request.join(', ')}`,
    '',
    '[policy_definition]',
    'p = role, obj, act',
    '',
    '[role_definition]',
    'g = _, _, _',
    '',
    '[policy_effect]',
    'e = some(where (p.eft == allow))',
    '',
    '[matchers]',
    `m = ${matcher(variant)}`,
    '',
  ].join('\n');
}

export interface CatalogPermissions {
  id: number;
  /** The role's permissions as the catalog publishes them (roles API). */
  permissions: readonly { resourceType: string; actions: readonly string[] }[];
}

export const roleName = (roleId: number): string => `role:${roleId}`;
export const subjectName = (type: 'user' | 'group', id: string): string => `${type}:${id}`;

export interface CasbinSide {
  variant: CasbinVariant;
  enforcer: Enforcer;
  policyLines: number;
  groupingLines: number;
  buildMs: number;
  /** The request of each check, built once (outside the timed loop, like our side's check objects). */
  request(check: GenCheck): string[];
}

/** "Is ruleScope the requested scope or one of its ancestors?", by scope key, from the generated tree. */
export function isWithinFunction(org: GenOrg): (requestScope: string, ruleScope: string) => boolean {
  const ancestors = new Map<string, Set<string>>();
  for (const scope of [org.system, ...org.scopes]) ancestors.set(scope.key, new Set(scope.path));
  return (requestScope, ruleScope) => ancestors.get(requestScope)?.has(ruleScope) ?? false;
}

export async function buildCasbin(variant: CasbinVariant, org: GenOrg, roles: readonly CatalogPermissions[], rules: readonly GenRule[]): Promise<CasbinSide> {
  const started = process.hrtime.bigint();
  const enforcer = await newEnforcer(newModelFromString(modelText(variant)));
  const policies: string[][] = [];
  for (const role of roles) for (const p of role.permissions) for (const action of p.actions) policies.push([roleName(role.id), p.resourceType, action]);
  await enforcer.addPolicies(policies);
  const grouping = rules.map((r) => [subjectName(r.subjectType, r.subjectId), roleName(r.roleId), r.scope.key]);
  await enforcer.addNamedGroupingPolicies('g', grouping);
  if (variant === 'domain-matching') await enforcer.addNamedDomainMatchingFunc('g', isWithinFunction(org));
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  const groupsOf = (check: GenCheck): string[] => {
    const groups = check.user.principal.groups;
    if (groups.length > MAX_GROUPS) throw new Error(`the casbin request carries at most ${MAX_GROUPS} groups`);
    return Array.from({ length: MAX_GROUPS }, (_, i) => {
      const g = groups[i];
      return g === undefined ? '' : subjectName('group', g);
    });
  };
  const path = (scope: GenScope): string[] => Array.from({ length: PATH_DEPTH }, (_, i) => scope.path[i] ?? '');
  return {
    variant,
    enforcer,
    policyLines: policies.length,
    groupingLines: grouping.length,
    buildMs,
    request: (check) => [
      subjectName('user', check.user.principal.subjectId),
      ...groupsOf(check),
      ...(variant === 'domain-matching' ? [check.scope.key] : path(check.scope)),
      check.resourceType,
      check.action,
    ],
  };
}
