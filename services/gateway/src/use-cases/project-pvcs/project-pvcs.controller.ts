import { type Identity, type OriginPvcSummary, VolumeRpc } from '@dv/contracts';
import { Controller, Get, Param, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { projectIdParamsSchema } from '../../extensions/extension-bodies';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';

/**
 * `GET /api/dv/v1/projects/{projectId}/pvcs`: the console's PVC picker (the platform we mirror has no
 * public call listing PVCs). The volume service reads them from Kubernetes and authorizes like create.
 */
@Controller('api/dv/v1/projects')
export class ProjectPvcsController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get(':projectId/pvcs')
  async list(
    @Param('projectId') projectId: string,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
  ): Promise<{ projectId: string; namespace: string; pvcs: OriginPvcSummary[] }> {
    const params = parseOrThrow(projectIdParamsSchema, { projectId }, 'projectId');
    return this.calls.call(VolumeRpc.originPvcs, { projectId: params.projectId }, caller, request);
  }
}
