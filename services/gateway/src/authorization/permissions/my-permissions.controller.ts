import { AuthzRpc, type Identity } from '@dv/contracts';
import { Controller, Get, Query, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Caller } from '../../auth/request-identity';
import { type RawQuery, parseQuery } from '../../api/parse-query';
import { atLeastOf } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { type myPermissionsAnswerSchema } from '../permission-shapes';

export const myPermissionsQuerySchema = z.object({});

/** `GET /permissions`: the caller's permissions summary (dv.authz.permissions.mine), per resource type the actions granted somewhere. */
@Controller('api/v1/authorization/permissions')
export class MyPermissionsController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get()
  async mine(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<z.output<typeof myPermissionsAnswerSchema>> {
    parseQuery(myPermissionsQuerySchema, query);
    return (await this.calls.call(AuthzRpc.myPermissions, atLeastOf(request), caller, request)).permissions;
  }
}
