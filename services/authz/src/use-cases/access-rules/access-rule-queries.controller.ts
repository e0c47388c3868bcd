import { ACCESS_RULE_FIELDS, type AccessRule, AuthzRpc, DvError, type Principal, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from '../../config/authz-config';
import { RequestAuthorizer } from '../../decisions/request-authorizer';
import { type FieldAccessors, applyListQuery } from '../../listing/apply-list-query';
import { type IndexedRule } from '../../rules/rule-index';
import { AuthzState } from '../../state/authz-state';

type RuleField = (typeof ACCESS_RULE_FIELDS)[number];
const ACCESSORS: FieldAccessors<AccessRule, RuleField> = {
  subjectType: (r) => r.subjectType,
  subjectId: (r) => r.subjectId,
  roleId: (r) => r.roleId,
  roleName: (r) => r.roleName,
  scopeType: (r) => r.scopeType,
  scopeId: (r) => r.scopeId,
  scopeName: (r) => r.scopeName,
  clusterId: (r) => r.clusterId,
  tenantId: (r) => r.tenantId,
  createdBy: (r) => r.createdBy,
  createdAt: (r) => r.createdAt,
  status: (r) => r.status,
};
const SEARCHED: readonly RuleField[] = ['subjectId', 'roleName', 'scopeName'];
/** A rule asked for by number (the REST API's integer id) rather than by id (a uuid). */
const RULE_NUMBER = /^\d{1,15}$/;

/** Reading access rules, from memory: one, a filtered page, or the caller's own. */
@Controller()
export class AccessRuleQueriesController {
  constructor(
    private readonly state: AuthzState,
    private readonly authorizer: RequestAuthorizer,
    @Inject(AUTHZ_CONFIG) private readonly config: AuthzConfig,
  ) {}

  private own(caller: Principal, rule: AccessRule): boolean {
    return (
      (rule.subjectType === caller.subjectType && rule.subjectId === caller.subjectId) ||
      (rule.subjectType === 'group' && caller.groups.includes(rule.subjectId))
    );
  }

  /** A caller sees its own rules, and the rules of scopes where it may read access rules. */
  private visible(caller: Principal, entry: IndexedRule): boolean {
    return this.own(caller, entry.rule) || this.authorizer.allowed(caller, 'read', 'access_rules', entry.scope);
  }

  /**
   * A rule as shown: its scope's name, cluster and tenant as they are now (a scope renamed or moved
   * since the rule was made shows its current name and place; the stored rule is never edited).
   */
  private present(entry: IndexedRule): AccessRule {
    const rule = entry.rule;
    const node = entry.scope;
    if (!node.known) return rule;
    const clusterId = this.state.tree.ancestorOfType(node, 'cluster')?.id;
    const tenantId = this.state.tree.ancestorOfType(node, 'tenant')?.id;
    if (rule.scopeName === node.name && rule.clusterId === clusterId && rule.tenantId === tenantId) return rule;
    const { clusterId: _c, tenantId: _t, ...rest } = rule;
    return { ...rest, scopeName: node.name, ...(clusterId ? { clusterId } : {}), ...(tenantId ? { tenantId } : {}) };
  }

  @RpcHandler(AuthzRpc.getAccessRule)
  async get(request: RpcRequest<typeof AuthzRpc.getAccessRule>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.getAccessRule>> {
    const caller = ctx.principal;
    await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
    const entry = RULE_NUMBER.test(request.id) ? this.state.index.byNumber.get(Number(request.id)) : this.state.index.byId.get(request.id);
    // Not visible and not there answer the same, so ids cannot be probed.
    if (!entry || !this.visible(caller, entry)) throw DvError.notFound(`access rule ${request.id} does not exist`);
    const scopePath = this.state.tree
      .path(entry.scope)
      .filter((p) => p.scopeType !== 'system')
      .map((p) => p.scopeId)
      .join('/');
    return { ...this.present(entry), scopePath };
  }

  @RpcHandler(AuthzRpc.listAccessRules)
  async list(request: RpcRequest<typeof AuthzRpc.listAccessRules>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.listAccessRules>> {
    const caller = ctx.principal;
    await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
    const subjectIds = request.subjectIds ? new Set(request.subjectIds) : undefined;
    const idFilter = request.subjectIdFilter?.toLowerCase();
    const since = request.lastUpdated;
    const candidates: AccessRule[] = [];
    for (const entry of this.state.index.byId.values()) {
      if (!request.includeDeleted && entry.rule.status === 'deleted') continue;
      if (since !== undefined && Date.parse(entry.rule.deletedAt ?? entry.rule.createdAt) < Date.parse(since)) continue;
      const r = this.present(entry);
      if (request.subjectType && r.subjectType !== request.subjectType) continue;
      if (subjectIds && !subjectIds.has(r.subjectId)) continue;
      if (idFilter && !r.subjectId.toLowerCase().includes(idFilter)) continue;
      if (request.scopeType && r.scopeType !== request.scopeType) continue;
      if (request.scopeId && r.scopeId !== request.scopeId) continue;
      if (request.roleId !== undefined && r.roleId !== request.roleId) continue;
      if (request.clusterId && r.clusterId !== request.clusterId) continue;
      if (!this.visible(caller, entry)) continue;
      candidates.push(r);
    }
    const matching = applyListQuery(candidates, { ...request, sortBy: request.sortBy ?? 'createdAt' }, ACCESSORS, SEARCHED);
    const page = matching.slice(request.offset, request.offset + request.limit);
    return { totalRecords: matching.length, displayRecords: page.length, accessRules: page };
  }

  @RpcHandler(AuthzRpc.myAccessRules)
  async mine(request: RpcRequest<typeof AuthzRpc.myAccessRules>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.myAccessRules>> {
    const caller = ctx.principal;
    await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
    const accessRules: AccessRule[] = [];
    for (const entry of this.state.index.byId.values())
      if (entry.rule.status === 'active' && this.own(caller, entry.rule)) accessRules.push(this.present(entry));
    accessRules.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    return { accessRules };
  }
}
