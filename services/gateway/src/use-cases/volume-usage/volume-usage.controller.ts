import { AdmissionRpc, type Binding, type Identity, type ReviewedWorkload } from '@dv/contracts';
import { Controller, Get, Param, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { ServiceCalls } from '../../http/service-calls';
import { volumeIdOf } from '../../volumes/volume-id';

/**
 * `GET /api/dv/v1/datavolumes/{id}/usage` (the workloads that mount it) and `/bindings` (the namespaces
 * holding its PVC): both from dv.workload-admission.usage, which needs data volume read rights in the
 * volume's origin project.
 */
@Controller('api/dv/v1/datavolumes')
export class VolumeUsageController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get(':id/usage')
  async usage(
    @Param('id') id: string,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
  ): Promise<{ volumeId: string; workloads: ReviewedWorkload[] }> {
    const { volumeId, workloads } = await this.calls.call(AdmissionRpc.usage, { volumeId: volumeIdOf(id) }, caller, request);
    return { volumeId, workloads };
  }

  @Get(':id/bindings')
  async bindings(@Param('id') id: string, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<{ volumeId: string; bindings: Binding[] }> {
    const { volumeId, bindings } = await this.calls.call(AdmissionRpc.usage, { volumeId: volumeIdOf(id) }, caller, request);
    return { volumeId, bindings };
  }
}
