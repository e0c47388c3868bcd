import { AuthzRpc, type Identity } from '@dv/contracts';
import { Controller, Get, Param, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { atLeastOf } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { accessRuleIdOf } from '../access-rule-requests';
import { type PublicAccessRule, publicAccessRule } from '../public-access-rule';

/** `GET /access-rules/{id}`: one rule with its scope path; a rule the caller may not view is 404, as an unknown one. */
@Controller('api/v1/authorization/access-rules')
export class GetAccessRuleController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get(':id')
  async get(@Param('id') id: string, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<PublicAccessRule> {
    return publicAccessRule(await this.calls.call(AuthzRpc.getAccessRule, { id: accessRuleIdOf(id), ...atLeastOf(request) }, caller, request));
  }
}
