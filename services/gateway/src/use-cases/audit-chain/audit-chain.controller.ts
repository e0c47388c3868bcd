import { AuditRpc, type Identity, type RpcReply } from '@dv/contracts';
import { Controller, Get, Query, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type RawQuery, parseQuery } from '../../api/parse-query';
import { Caller } from '../../auth/request-identity';
import { verifyQuerySchema } from '../../extensions/extension-bodies';
import { ServiceCalls } from '../../http/service-calls';

/** `GET /api/dv/v1/audit/verify` and `/audit/head`: the audit chain for its readers (events-history read at system scope). */
@Controller('api/dv/v1/audit')
export class AuditChainController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get('verify')
  async verify(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<RpcReply<typeof AuditRpc.verify>> {
    const range = parseQuery(verifyQuerySchema, query);
    if (range.fromSeq !== undefined && range.toSeq !== undefined && range.toSeq < range.fromSeq) {
      // An empty range holds nothing to break: verified, none checked (for readers of the log only: the head checks it).
      const { base } = await this.calls.call(AuditRpc.head, {}, caller, request);
      return { ok: true, checked: 0, fromSeq: range.fromSeq, toSeq: range.toSeq, base };
    }
    return this.calls.call(AuditRpc.verify, range, caller, request);
  }

  @Get('head')
  async head(@Caller() caller: Identity, @Req() request: FastifyRequest): Promise<RpcReply<typeof AuditRpc.head>> {
    return this.calls.call(AuditRpc.head, {}, caller, request);
  }
}
