import { type Identity, VolumeRpc } from '@dv/contracts';
import { Body, Controller, Param, Patch, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';
import { type PublicVolume, publicVolume } from '../../volumes/public-volume';
import { patchVolumeBodySchema } from '../../volumes/volume-bodies';
import { volumeIdOf } from '../../volumes/volume-id';

/** `PATCH /api/v1/datavolumes/{id}`: the description; answered without sharedScopes, as the reference does. */
@Controller('api/v1/datavolumes')
export class UpdateVolumeController {
  constructor(private readonly calls: ServiceCalls) {}

  @Patch(':id')
  async update(@Param('id') id: string, @Body() body: unknown, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<PublicVolume> {
    const volumeId = volumeIdOf(id);
    const { description } = parseOrThrow(patchVolumeBodySchema, body);
    const { volume } = await this.calls.call(VolumeRpc.update, { id: volumeId, description }, caller, request);
    return publicVolume(volume, { withSharedScopes: false });
  }
}
