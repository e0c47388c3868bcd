import { type Identity } from '@dv/contracts';
import { Controller, Get, Param, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { parseOrThrow } from '../../http/validate';
import { type ServiceAccount, serviceAccountIdParamsSchema } from '../service-account-shape';
import { ServiceAccountsService } from '../service-accounts.service';

/** `GET /api/v1/service-accounts/{id}` (getServiceAccountOperation). */
@Controller('api/v1/service-accounts')
export class GetServiceAccountController {
  constructor(private readonly accounts: ServiceAccountsService) {}

  @Get(':id')
  async get(@Param() params: unknown, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<ServiceAccount> {
    const { id } = parseOrThrow(serviceAccountIdParamsSchema, params);
    return this.accounts.get(caller, request, id);
  }
}
