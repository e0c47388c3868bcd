import { type Identity, type SharedScopeEntry, SharingRpc } from '@dv/contracts';
import { Body, Controller, Get, Param, Patch, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { atLeastOf, writeRevision } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';
import { patchSharedScopesBodySchema } from '../../volumes/shared-scopes-body';
import { volumeIdOf } from '../../volumes/volume-id';

/**
 * `GET` and `PATCH /api/v1/datavolumes/{id}/sharedScopes`: the sharing list as the reference answers
 * it, a bare array of `{scopeType, scopeId, scopeName, createdAt, createdBy}` (only the scopes the
 * caller may view); the patch answers the whole list after the change.
 */
@Controller('api/v1/datavolumes')
export class SharedScopesController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get(':id/sharedScopes')
  async list(@Param('id') id: string, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<SharedScopeEntry[]> {
    const { sharedScopes } = await this.calls.call(SharingRpc.list, { volumeId: volumeIdOf(id), ...atLeastOf(request) }, caller, request);
    return sharedScopes;
  }

  @Patch(':id/sharedScopes')
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SharedScopeEntry[]> {
    const volumeId = volumeIdOf(id);
    const { add, remove } = parseOrThrow(patchSharedScopesBodySchema, body);
    // Nothing to change: the list as GET shows it (the service's write would answer every scope, viewable or not).
    if (add.length + remove.length === 0) return this.list(id, caller, request);
    const { sharedScopes, revision } = await this.calls.call(SharingRpc.update, { volumeId, add, remove, ...atLeastOf(request) }, caller, request);
    writeRevision(reply, revision);
    return sharedScopes;
  }
}
