import { AuthzRpc, type Identity, type RpcReply } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { whoCanBodySchema } from '../../extensions/extension-bodies';
import { atLeastOf } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';

/** `POST /api/dv/v1/who-can`: the subjects (and through which rules) that may do an action in a scope; for holders of access-rule read rights there. */
@Controller('api/dv/v1')
export class WhoCanController {
  constructor(private readonly calls: ServiceCalls) {}

  @Post('who-can')
  @HttpCode(200)
  async whoCan(@Body() body: unknown, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<RpcReply<typeof AuthzRpc.whoCan>> {
    return this.calls.call(AuthzRpc.whoCan, { ...parseOrThrow(whoCanBodySchema, body), ...atLeastOf(request) }, caller, request);
  }
}
