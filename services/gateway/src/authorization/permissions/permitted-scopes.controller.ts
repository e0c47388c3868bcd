import { ACTIONS, AuthzRpc, type Identity } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type z } from 'zod';
import { Caller } from '../../auth/request-identity';
import { atLeastOf } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';
import { principalOf } from '../caller-principal';
import { type permittedScopesAnswerSchema, permittedScopesBodySchema, publicScopeSet } from '../permission-shapes';

/**
 * `POST /permitted-scopes` `{resourceType, action?}`: where the caller may act on the resource type,
 * per action (all four without one), each scope with everything below it (dv.authz.permitted-scopes
 * about the caller itself). A read, so 200, and it takes X-DV-At-Least.
 */
@Controller('api/v1/authorization/permitted-scopes')
export class PermittedScopesController {
  constructor(private readonly calls: ServiceCalls) {}

  @Post()
  @HttpCode(200)
  async permittedScopes(
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
  ): Promise<z.output<typeof permittedScopesAnswerSchema>> {
    const { resourceType, action } = parseOrThrow(permittedScopesBodySchema, body);
    const sets = await this.calls.call(
      AuthzRpc.permittedScopes,
      { subject: principalOf(caller), resourceType, ...(action === undefined ? {} : { action }), ...atLeastOf(request) },
      caller,
      request,
    );
    const answer: z.output<typeof permittedScopesAnswerSchema> = {};
    for (const a of ACTIONS) {
      const set = sets[a];
      if (set !== undefined) answer[a] = publicScopeSet(set);
    }
    return answer;
  }
}
