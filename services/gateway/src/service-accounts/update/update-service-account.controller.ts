import { type Identity } from '@dv/contracts';
import { Body, Controller, Param, Patch, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { writeRevision } from '../../http/revision-header';
import { parseOrThrow } from '../../http/validate';
import { type ServiceAccount, serviceAccountIdParamsSchema, updateServiceAccountBodySchema } from '../service-account-shape';
import { ServiceAccountsService } from '../service-accounts.service';

/** `PATCH /api/v1/service-accounts/{id}` `{enabled}` (updateServiceAccountOperation). */
@Controller('api/v1/service-accounts')
export class UpdateServiceAccountController {
  constructor(private readonly accounts: ServiceAccountsService) {}

  @Patch(':id')
  async update(
    @Param() params: unknown,
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceAccount> {
    const { id } = parseOrThrow(serviceAccountIdParamsSchema, params);
    const { enabled } = parseOrThrow(updateServiceAccountBodySchema, body);
    const { account, revision } = await this.accounts.setEnabled(caller, request, id, enabled);
    writeRevision(reply, revision);
    return account;
  }
}
