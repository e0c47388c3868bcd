import { AuthzRpc, type Identity } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { type CheckItemBody, checkBatchBodySchema, checkBodySchema } from '../../extensions/extension-bodies';
import { subjectOrCaller } from '../../extensions/caller-principal';
import { atLeastOf } from '../../http/revision-header';
import { JSON_TYPE, ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';

function item(body: CheckItemBody, caller: Identity) {
  return { subject: subjectOrCaller(body.subject, caller), action: body.action, resourceType: body.resourceType, scope: body.scope };
}

/**
 * `POST /api/dv/v1/check` and `/check-batch`: dv.authz.check with the explanation. About the caller
 * by default; about another subject only where authz lets the caller ask (access-rule read rights in
 * the scope, or a service account): the service's rule, kept.
 */
@Controller('api/dv/v1')
export class CheckController {
  constructor(private readonly calls: ServiceCalls) {}

  // The answer is authz's reply as it is (validated there): its bytes are forwarded (docs/decisions/0033).
  @Post('check')
  @HttpCode(200)
  async check(
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Uint8Array> {
    const parsed = parseOrThrow(checkBodySchema, body);
    const decision = await this.calls.callForBytes(AuthzRpc.check, { ...item(parsed, caller), ...atLeastOf(request) }, caller, request);
    void reply.type(JSON_TYPE);
    return decision;
  }

  @Post('check-batch')
  @HttpCode(200)
  async checkBatch(
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Uint8Array> {
    const { checks } = parseOrThrow(checkBatchBodySchema, body);
    const decisions = await this.calls.callForBytes(
      AuthzRpc.checkBatch,
      { checks: checks.map((c) => item(c, caller)), ...atLeastOf(request) },
      caller,
      request,
    );
    void reply.type(JSON_TYPE);
    return decisions;
  }
}
