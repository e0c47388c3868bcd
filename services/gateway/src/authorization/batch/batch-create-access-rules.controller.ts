import { AuthzRpc, type Identity } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { writeRevision } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';
import { accessRuleBatchCreateBodySchema } from '../access-rule-requests';
import { publicAccessRule } from '../public-access-rule';
import { type AccessRuleBatchCreateAnswer, itemFailureOfCode } from './batch-answers';

/**
 * `POST /access-rules/batch-create` `{payload: {roleId, clusterId?, subjects, scopes}}`: one rule per
 * subject × scope (dv.authz.access-rules.batch-create), each succeeding or failing on its own; 200
 * with per-item `{code, message}`, X-DV-Revision covering every rule made.
 */
@Controller('api/v1/authorization/access-rules')
export class BatchCreateAccessRulesController {
  constructor(private readonly calls: ServiceCalls) {}

  @Post('batch-create')
  @HttpCode(200)
  async batchCreate(
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessRuleBatchCreateAnswer> {
    const { payload } = parseOrThrow(accessRuleBatchCreateBodySchema, body);
    const result = await this.calls.call(AuthzRpc.batchCreateAccessRules, payload, caller, request);
    writeRevision(reply, result.revision);
    const cluster = payload.clusterId === undefined ? {} : { clusterId: payload.clusterId };
    return {
      succeeded: result.succeeded.map((rule) => publicAccessRule(rule)),
      failed: result.failed.map((item) => ({
        payload: {
          subjectId: item.subjectId,
          subjectType: item.subjectType,
          roleId: payload.roleId,
          scopeType: item.scopeType,
          scopeId: item.scopeId,
          ...cluster,
        },
        ...itemFailureOfCode(item.error.code, item.error.message),
      })),
    };
  }
}
