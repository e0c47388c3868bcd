import { type Identity, VolumeRpc } from '@dv/contracts';
import { Controller, Delete, HttpCode, Param, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { atLeastOf, writeRevision } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { volumeIdOf } from '../../volumes/volume-id';

/**
 * `DELETE /api/v1/datavolumes/{id}`: 202 `{code, message}` while the deletion runs (the service
 * answers as soon as the volume is Deleting; its PV copy and PVCs go after). Refused while a workload
 * uses the volume (the service's PRECONDITION_FAILED: 412).
 */
@Controller('api/v1/datavolumes')
export class DeleteVolumeController {
  constructor(private readonly calls: ServiceCalls) {}

  @Delete(':id')
  @HttpCode(202)
  async remove(
    @Param('id') id: string,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ code: number; message: string }> {
    const { volume, revision } = await this.calls.call(VolumeRpc.delete, { id: volumeIdOf(id), ...atLeastOf(request) }, caller, request);
    writeRevision(reply, revision);
    return { code: 202, message: `Data volume ${volume.name} is being deleted.` };
  }
}
