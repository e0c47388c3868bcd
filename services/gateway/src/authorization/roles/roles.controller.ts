import { AuthzRpc, type Identity, roleSchema } from '@dv/contracts';
import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Caller } from '../../auth/request-identity';
import { type RawQuery, parseQuery, queryInt } from '../../api/parse-query';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';
import { type PublicRole, publicRole } from '../public-role';
import { queryText } from '../query-text';

/**
 * `GET /roles`: the whole catalog (18 roles) in one answer, as the reference does; `search` (ours, the
 * command line's `role list --search`) keeps the roles whose name or creator contains it.
 */
export const rolesQuerySchema = z.object({ search: queryText(256).optional().describe('Role name or creator contains it (case-insensitive).') });
/** `GET /roles/{id}`: the reference's integer id. */
export const roleIdParamsSchema = z.object({ id: queryInt({ min: 1 }).describe('The role id (an integer).') });

/** The read-only role catalog (dv.authz.roles.list / get): viewing it needs `roles` read somewhere. */
@Controller('api/v1/authorization/roles')
export class RolesController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get()
  async list(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<PublicRole[]> {
    const { search } = parseQuery(rolesQuerySchema, query);
    // The catalog has 18 roles; 500 is the contract's largest page, so one call answers them all.
    const { roles } = await this.calls.call(AuthzRpc.listRoles, { limit: 500, ...(search === undefined ? {} : { search }) }, caller, request);
    // Without a column choice every role comes whole; the contract's list reply types them as partial.
    return roles.map((role) => publicRole(roleSchema.parse(role)));
  }

  @Get(':id')
  async get(@Param('id') id: string, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<PublicRole> {
    const params = parseOrThrow(roleIdParamsSchema, { id }, 'id');
    return publicRole(await this.calls.call(AuthzRpc.getRole, { id: params.id }, caller, request));
  }
}
