import { DvError, type Identity, VolumeRpc } from '@dv/contracts';
import { Controller, Get, HttpCode, Query, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type RawQuery, parseQuery } from '../../api/parse-query';
import { Caller } from '../../auth/request-identity';
import { ServiceCalls } from '../../http/service-calls';
import { nameAvailabilityQuerySchema } from '../../volumes/name-availability-query';

/** `GET /api/v1/datavolumes/name-availability?dataName=&clusterId=`: 204 free, 409 taken. */
@Controller('api/v1/datavolumes')
export class NameAvailabilityController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get('name-availability')
  @HttpCode(204)
  async check(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<void> {
    const { dataName, clusterId } = parseQuery(nameAvailabilityQuerySchema, query);
    try {
      await this.calls.call(VolumeRpc.nameAvailability, { name: dataName, clusterId }, caller, request);
    } catch (error) {
      // The reference's words for a taken name.
      if (error instanceof DvError && error.code === 'CONFLICT') throw DvError.conflict('Resource with this name already exists', error.details);
      throw error;
    }
  }
}
