import { type Identity, VolumeRpc } from '@dv/contracts';
import { Controller, Get, Param, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { atLeastOf } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { type PublicVolume, publicVolume } from '../../volumes/public-volume';
import { volumeIdOf } from '../../volumes/volume-id';

/** `GET /api/v1/datavolumes/{id}`: one volume, with the shared scopes the caller may view. */
@Controller('api/v1/datavolumes')
export class GetVolumeController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get(':id')
  async get(@Param('id') id: string, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<PublicVolume> {
    return publicVolume(await this.calls.call(VolumeRpc.get, { id: volumeIdOf(id), ...atLeastOf(request) }, caller, request), { withSharedScopes: true });
  }
}
