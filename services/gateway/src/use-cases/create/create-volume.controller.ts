import { type Identity, VolumeRpc } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { ServiceCalls } from '../../http/service-calls';
import { atLeastOf, writeRevision } from '../../http/revision-header';
import { parseOrThrow } from '../../http/validate';
import { type PublicVolume, publicVolume } from '../../volumes/public-volume';
import { createVolumeBodySchema } from '../../volumes/volume-bodies';

/** `POST /api/v1/datavolumes`: 201 with the volume (phase Creating; the reconciler makes it Ready). */
@Controller('api/v1/datavolumes')
export class CreateVolumeController {
  constructor(private readonly calls: ServiceCalls) {}

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PublicVolume> {
    const { shouldDeleteOriginalVolume: _kept, useOriginalVolume, ...fields } = parseOrThrow(createVolumeBodySchema, body);
    const { volume, revision } = await this.calls.call(
      VolumeRpc.create,
      { ...fields, ...(useOriginalVolume === null || useOriginalVolume === undefined ? {} : { useOriginalVolume }), ...atLeastOf(request) },
      caller,
      request,
    );
    writeRevision(reply, revision);
    return publicVolume(volume, { withSharedScopes: true });
  }
}
