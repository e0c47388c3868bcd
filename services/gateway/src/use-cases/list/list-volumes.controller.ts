import { type Identity, VolumeRpc } from '@dv/contracts';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { atLeastOf } from '../../http/revision-header';
import { JSON_TYPE, ServiceCalls } from '../../http/service-calls';
import { type RawQuery, volumeListQuery } from '../../volumes/volume-list-query';

/** `GET /api/v1/datavolumes` and `/count`: dv.volume.list-page and dv.volume.count with the same query. */
@Controller('api/v1/datavolumes')
export class ListVolumesController {
  constructor(private readonly calls: ServiceCalls) {}

  /**
   * The volume service answers the page in the public shape (`dv.volume.list-page`, validated there):
   * its bytes are the answer, neither parsed nor written again here (docs/decisions/0033).
   */
  @Get()
  async list(
    @Query() query: RawQuery,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Uint8Array> {
    const page = await this.calls.callForBytes(VolumeRpc.listPage, { ...volumeListQuery(query), ...atLeastOf(request) }, caller, request);
    void reply.type(JSON_TYPE);
    return page;
  }

  @Get('count')
  async count(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<{ count: number }> {
    return this.calls.call(VolumeRpc.count, { ...volumeListQuery(query), ...atLeastOf(request) }, caller, request);
  }
}
