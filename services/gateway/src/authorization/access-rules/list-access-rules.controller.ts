import { AuthzRpc, type Identity } from '@dv/contracts';
import { Controller, Get, Query, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { type RawQuery, parseQuery } from '../../api/parse-query';
import { atLeastOf } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { accessRuleCountQuerySchema, accessRuleListQuerySchema, accessRuleListRequest } from '../access-rule-requests';
import { type AccessRulePage, publicAccessRule } from '../public-access-rule';

/**
 * `GET /access-rules` and `/count`: dv.authz.access-rules.list (the caller's own rules and those of
 * scopes where it may read access rules); the count is the list's `totalRecords` for a one-rule page.
 */
@Controller('api/v1/authorization/access-rules')
export class ListAccessRulesController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get()
  async list(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<AccessRulePage> {
    const listRequest = accessRuleListRequest(parseQuery(accessRuleListQuerySchema, query));
    const page = await this.calls.call(AuthzRpc.listAccessRules, { ...listRequest, ...atLeastOf(request) }, caller, request);
    return { totalRecords: page.totalRecords, displayRecords: page.displayRecords, accessRules: page.accessRules.map((r) => publicAccessRule(r)) };
  }

  @Get('count')
  async count(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<{ count: number }> {
    const listRequest = accessRuleListRequest(parseQuery(accessRuleCountQuerySchema, query));
    const page = await this.calls.call(AuthzRpc.listAccessRules, { ...listRequest, limit: 1, ...atLeastOf(request) }, caller, request);
    return { count: page.totalRecords };
  }
}
