import { AuthzRpc, type Identity } from '@dv/contracts';
import { Controller, Delete, HttpCode, Param, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { writeRevision } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { accessRuleIdOf } from '../access-rule-requests';

/**
 * `DELETE /access-rules/{id}`: 204 once the rule is deleted (it stops granting on every replica that
 * has seen the answer's X-DV-Revision); a rule deleted before is the service's PRECONDITION_FAILED, 412.
 */
@Controller('api/v1/authorization/access-rules')
export class DeleteAccessRuleController {
  constructor(private readonly calls: ServiceCalls) {}

  @Delete(':id')
  @HttpCode(204)
  async remove(
    @Param('id') id: string,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const { revision } = await this.calls.call(AuthzRpc.deleteAccessRule, { id: accessRuleIdOf(id) }, caller, request);
    writeRevision(reply, revision);
  }
}
