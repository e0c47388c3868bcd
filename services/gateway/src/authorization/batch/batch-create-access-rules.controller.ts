import { AuthzRpc, type Identity, MAX_BATCH_RULES } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { writeRevision } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';
import { accessRuleBatchCreateBodySchema } from '../access-rule-requests';
import { publicAccessRule } from '../public-access-rule';
import { type AccessRuleBatchCreateAnswer, itemFailureOfCode } from './batch-answers';
import { batchCreatePlan } from './batch-create-plan';

/**
 * `POST /access-rules/batch-create` `{payload: {roleId, clusterId?, subjects, scopes}}`: one rule per
 * subject × scope (dv.authz.access-rules.batch-create, at most two calls), each succeeding or failing
 * on its own, pairs past the first 100 failing with 400; 200 with per-item `{code, message}`,
 * X-DV-Revision covering every rule made.
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
    const { roleId } = payload;
    const cluster = payload.clusterId === undefined ? {} : { clusterId: payload.clusterId };
    const plan = batchCreatePlan(payload);
    const answer: AccessRuleBatchCreateAnswer = { succeeded: [], failed: [] };
    let events: number | undefined;
    for (const part of plan.calls) {
      const result = await this.calls.call(
        AuthzRpc.batchCreateAccessRules,
        { roleId, ...cluster, subjects: part.subjects, scopes: part.scopes },
        caller,
        request,
      );
      if (result.revision.events !== undefined) events = Math.max(events ?? 0, result.revision.events);
      answer.succeeded.push(...result.succeeded.map((rule) => publicAccessRule(rule)));
      answer.failed.push(
        ...result.failed.map((item) => ({
          payload: { subjectId: item.subjectId, subjectType: item.subjectType, roleId, scopeType: item.scopeType, scopeId: item.scopeId, ...cluster },
          ...itemFailureOfCode(item.error.code, item.error.message),
        })),
      );
    }
    for (const { subject, scope } of plan.beyond) {
      answer.failed.push({
        payload: { ...subject, roleId, ...scope, ...cluster },
        code: 400,
        message: `not made: one batch makes at most ${MAX_BATCH_RULES} rules (the first ${MAX_BATCH_RULES} subject × scope pairs)`,
      });
    }
    writeRevision(reply, events === undefined ? {} : { events });
    return answer;
  }
}
