import { type Identity } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { writeRevision } from '../../http/revision-header';
import { parseOrThrow } from '../../http/validate';
import { type ServiceAccountWithSecret, createServiceAccountBodySchema } from '../service-account-shape';
import { ServiceAccountsService } from '../service-accounts.service';

/** `POST /api/v1/service-accounts` (createServiceAccountOperation): 201 with the client secret, shown this once. */
@Controller('api/v1/service-accounts')
export class CreateServiceAccountController {
  constructor(private readonly accounts: ServiceAccountsService) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ServiceAccountWithSecret> {
    const { name } = parseOrThrow(createServiceAccountBodySchema, body);
    const { account, revision } = await this.accounts.create(caller, request, name);
    writeRevision(reply, revision);
    void reply.header('cache-control', 'no-store'); // it holds a secret
    return account;
  }
}
