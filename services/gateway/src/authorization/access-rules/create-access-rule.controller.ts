import { AuthzRpc, type Identity } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { writeRevision } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';
import { createAccessRuleBodySchema } from '../access-rule-requests';
import { type PublicAccessRule, publicAccessRule } from '../public-access-rule';

/** `POST /access-rules`: 201 with the rule, in effect on every replica that has seen its X-DV-Revision. */
@Controller('api/v1/authorization/access-rules')
export class CreateAccessRuleController {
  constructor(private readonly calls: ServiceCalls) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PublicAccessRule> {
    const { rule, revision } = await this.calls.call(AuthzRpc.createAccessRule, parseOrThrow(createAccessRuleBodySchema, body), caller, request);
    writeRevision(reply, revision);
    return publicAccessRule(rule);
  }
}
