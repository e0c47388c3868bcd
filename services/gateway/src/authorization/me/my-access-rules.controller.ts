import { type AccessRule, AuthzRpc, type Identity } from '@dv/contracts';
import { Controller, Get, Query, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Caller } from '../../auth/request-identity';
import { type RawQuery, parseQuery } from '../../api/parse-query';
import { atLeastOf } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { myAccessRulesCountQuerySchema, myAccessRulesQuerySchema } from '../access-rule-requests';
import { accessRulePageSchema, publicAccessRule } from '../public-access-rule';

export const myAccessRulesAnswerSchema = z.object({ accessRules: accessRulePageSchema });
export type MyAccessRulesAnswer = z.output<typeof myAccessRulesAnswerSchema>;

/** The text search of the service's own listing: subject id, role name or scope name contains it. */
function matches(rule: AccessRule, search: string | undefined): boolean {
  if (search === undefined || search === '') return true;
  const needle = search.toLowerCase();
  return [rule.subjectId, rule.roleName, rule.scopeName].some((field) => field.toLowerCase().includes(needle));
}

/**
 * `GET /me/access-rules` and `/count`: the caller's own rules, directly or through its groups
 * (dv.authz.access-rules.mine answers them all, oldest first; a caller holds few): searched and paged here.
 */
@Controller('api/v1/authorization/me/access-rules')
export class MyAccessRulesController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get()
  async list(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<MyAccessRulesAnswer> {
    const { limit = 50, offset = 0, search } = parseQuery(myAccessRulesQuerySchema, query);
    const { accessRules } = await this.calls.call(AuthzRpc.myAccessRules, atLeastOf(request), caller, request);
    const matching = accessRules.filter((rule) => matches(rule, search));
    const page = matching.slice(offset, offset + limit).map((rule) => publicAccessRule(rule));
    return { accessRules: { totalRecords: matching.length, displayRecords: page.length, accessRules: page } };
  }

  @Get('count')
  async count(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<{ count: number }> {
    const { search } = parseQuery(myAccessRulesCountQuerySchema, query);
    const { accessRules } = await this.calls.call(AuthzRpc.myAccessRules, atLeastOf(request), caller, request);
    return { count: accessRules.filter((rule) => matches(rule, search)).length };
  }
}
