import { type Identity } from '@dv/contracts';
import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { writeRevision } from '../../http/revision-header';
import { parseOrThrow } from '../../http/validate';
import { type ServiceAccountWithSecret, serviceAccountIdParamsSchema } from '../service-account-shape';
import { ServiceAccountsService } from '../service-accounts.service';

/** `POST /api/v1/service-accounts/{id}/secret` (regenerateServiceAccountSecretOperation): the new secret, shown this once. */
@Controller('api/v1/service-accounts')
export class RegenerateServiceAccountSecretController {
  constructor(private readonly accounts: ServiceAccountsService) {}

  @Post(':id/secret')
  @HttpCode(200)
  async regenerate(
    @Param() params: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceAccountWithSecret> {
    const { id } = parseOrThrow(serviceAccountIdParamsSchema, params);
    const { account, revision } = await this.accounts.regenerateSecret(caller, request, id);
    writeRevision(reply, revision);
    void reply.header('cache-control', 'no-store'); // it holds a secret
    return account;
  }
}
