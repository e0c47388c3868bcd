import { type Identity } from '@dv/contracts';
import { Controller, Delete, HttpCode, Param, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { writeRevision } from '../../http/revision-header';
import { parseOrThrow } from '../../http/validate';
import { serviceAccountIdParamsSchema } from '../service-account-shape';
import { ServiceAccountsService } from '../service-accounts.service';

/** `DELETE /api/v1/service-accounts/{id}` (deleteServiceAccountOperation): 204. */
@Controller('api/v1/service-accounts')
export class DeleteServiceAccountController {
  constructor(private readonly accounts: ServiceAccountsService) {}

  @Delete(':id')
  @HttpCode(204)
  async delete(
    @Param() params: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { id } = parseOrThrow(serviceAccountIdParamsSchema, params);
    writeRevision(reply, await this.accounts.delete(caller, request, id));
  }
}
