import { AuthzRpc, DvError, type Identity, type Revision } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { atLeastOf, writeRevision } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';
import { accessRuleBatchBodySchema } from '../access-rule-requests';
import { principalOf } from '../caller-principal';
import { type AccessRuleBatchAnswer, itemFailureOf } from './batch-answers';

/**
 * `POST /access-rules/batch` `{ids, action}`: `delete` deletes each rule as `DELETE /{id}` would, one
 * after the other; `validate_delete` changes nothing and answers what `delete` would: the rule visible
 * (else 404), not deleted already (else 412), and the caller allowed to delete access rules in its
 * scope (else 403, asked of authz as a check about the caller itself). 200 with per-item results.
 */
@Controller('api/v1/authorization/access-rules')
export class AccessRuleBatchController {
  constructor(private readonly calls: ServiceCalls) {}

  @Post('batch')
  @HttpCode(200)
  async batch(
    @Body() body: unknown,
    @Caller() caller: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessRuleBatchAnswer> {
    const { ids, action } = parseOrThrow(accessRuleBatchBodySchema, body);
    const atLeast = atLeastOf(request);
    const answer: AccessRuleBatchAnswer = { succeeded: [], failed: [] };
    let events: number | undefined;
    for (const id of ids) {
      try {
        if (action === 'delete') {
          const { revision } = await this.calls.call(AuthzRpc.deleteAccessRule, { id: String(id) }, caller, request);
          if (revision.events !== undefined) events = Math.max(events ?? 0, revision.events);
        } else {
          await this.validateDelete(id, atLeast, caller, request);
        }
        answer.succeeded.push({ id });
      } catch (error) {
        answer.failed.push({ id, ...itemFailureOf(error) });
      }
    }
    if (action === 'delete') writeRevision(reply, events === undefined ? {} : ({ events } satisfies Revision));
    return answer;
  }

  private async validateDelete(id: number, atLeast: { atLeast?: Revision }, caller: Identity, request: FastifyRequest): Promise<void> {
    const rule = await this.calls.call(AuthzRpc.getAccessRule, { id: String(id), ...atLeast }, caller, request);
    // The service's own words for deleting a deleted rule (AccessRuleWriter.delete).
    if (rule.status === 'deleted') throw DvError.precondition(`access rule ${id} was already deleted at ${rule.deletedAt ?? 'an earlier time'}`);
    const decision = await this.calls.call(
      AuthzRpc.check,
      { subject: principalOf(caller), action: 'delete', resourceType: 'access_rules', scope: { scopeType: rule.scopeType, scopeId: rule.scopeId }, ...atLeast },
      caller,
      request,
    );
    if (!decision.allowed) throw DvError.forbidden(decision.message);
  }
}
