import { type Identity } from '@dv/contracts';
import { Controller, Get, Query, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { type RawQuery, parseQuery } from '../../api/parse-query';
import { listServiceAccountsQuerySchema } from '../operations';
import { type ServiceAccount } from '../service-account-shape';
import { ServiceAccountsService } from '../service-accounts.service';

/** `GET /api/v1/service-accounts?offset=&limit=` (listServiceAccountsOperation). */
@Controller('api/v1/service-accounts')
export class ListServiceAccountsController {
  constructor(private readonly accounts: ServiceAccountsService) {}

  @Get()
  async list(
    @Query() query: RawQuery,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
  ): Promise<{ next?: number; serviceAccounts: ServiceAccount[] }> {
    const { offset, limit } = parseQuery(listServiceAccountsQuerySchema, query);
    return this.accounts.list(caller, request, { offset: offset ?? 0, limit: limit ?? 50 });
  }
}
