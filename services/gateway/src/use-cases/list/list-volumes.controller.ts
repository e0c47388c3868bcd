import { type Identity, VolumeRpc } from '@dv/contracts';
import { Controller, Get, Query, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { atLeastOf } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { type PublicVolume, publicVolume } from '../../volumes/public-volume';
import { type RawQuery, volumeListQuery } from '../../volumes/volume-list-query';

/** `GET /api/v1/datavolumes` and `/count`: dv.volume.list and dv.volume.count with the same query. */
@Controller('api/v1/datavolumes')
export class ListVolumesController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get()
  async list(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<{ next?: number; datavolumes: PublicVolume[] }> {
    const page = await this.calls.call(VolumeRpc.list, { ...volumeListQuery(query), ...atLeastOf(request) }, caller, request);
    const datavolumes = page.datavolumes.map((v) => publicVolume(v, { withSharedScopes: false }));
    return page.next === undefined ? { datavolumes } : { next: page.next, datavolumes };
  }

  @Get('count')
  async count(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<{ count: number }> {
    return this.calls.call(VolumeRpc.count, { ...volumeListQuery(query), ...atLeastOf(request) }, caller, request);
  }
}
