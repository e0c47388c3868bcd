import { type Identity, VolumeRpc } from '@dv/contracts';
import { Body, Controller, Param, Patch, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { atLeastOf, writeRevision } from '../../http/revision-header';
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
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PublicVolume> {
    const volumeId = volumeIdOf(id);
    const { description } = parseOrThrow(patchVolumeBodySchema, body);
    const { volume, revision } = await this.calls.call(VolumeRpc.update, { id: volumeId, description, ...atLeastOf(request) }, caller, request);
    writeRevision(reply, revision);
    return publicVolume(volume, { withSharedScopes: false });
  }
}
