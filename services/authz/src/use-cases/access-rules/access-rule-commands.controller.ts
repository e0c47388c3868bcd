import { AuthzRpc, DvError, type AccessRule, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { RefusalRecorder, type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller } from '@nestjs/common';
import { accessRuleRefusal } from '../../rules/access-rule-refusals';
import { AccessRuleWriter } from '../../rules/access-rule-writer';

/** Creating (one, or a batch with per-item results) and deleting access rules; every refusal is recorded. */
@Controller()
export class AccessRuleCommandsController {
  constructor(
    private readonly writer: AccessRuleWriter,
    private readonly refusals: RefusalRecorder,
  ) {}

  @RpcHandler(AuthzRpc.createAccessRule)
  async create(request: RpcRequest<typeof AuthzRpc.createAccessRule>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.createAccessRule>> {
    const principal = ctx.principal;
    try {
      return await this.writer.create(request, { kind: 'caller', principal, requestId: ctx.requestId });
    } catch (error) {
      const { subjectType, subjectId, roleId, scopeType, scopeId } = request;
      await this.refusals.record(
        error,
        principal,
        ctx.requestId,
        accessRuleRefusal({ operation: 'create', subjectType, subjectId, roleId, scopeType, scopeId }),
      );
      throw error;
    }
  }

  @RpcHandler(AuthzRpc.deleteAccessRule)
  async delete(request: RpcRequest<typeof AuthzRpc.deleteAccessRule>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.deleteAccessRule>> {
    const principal = ctx.principal;
    try {
      return await this.writer.delete(request.id, { kind: 'caller', principal, requestId: ctx.requestId });
    } catch (error) {
      await this.refusals.record(error, principal, ctx.requestId, accessRuleRefusal({ operation: 'delete', ruleId: request.id }));
      throw error;
    }
  }

  /** At most 100 rules (subjects × scopes, checked by the contract), created one by one, each succeeding or failing on its own. */
  @RpcHandler(AuthzRpc.batchCreateAccessRules)
  async batchCreate(
    request: RpcRequest<typeof AuthzRpc.batchCreateAccessRules>,
    ctx: RpcCallContext,
  ): Promise<RpcReplyInput<typeof AuthzRpc.batchCreateAccessRules>> {
    const principal = ctx.principal;
    const succeeded: AccessRule[] = [];
    const failed: RpcReplyInput<typeof AuthzRpc.batchCreateAccessRules>['failed'] = [];
    let revision: number | undefined;
    for (const subject of request.subjects) {
      for (const scope of request.scopes) {
        try {
          const result = await this.writer.create(
            { ...subject, ...scope, roleId: request.roleId, ...(request.clusterId !== undefined ? { clusterId: request.clusterId } : {}) },
            { kind: 'caller', principal, requestId: ctx.requestId },
          );
          succeeded.push(result.rule);
          if (result.revision.events !== undefined) revision = Math.max(revision ?? 0, result.revision.events);
        } catch (error) {
          if (!(error instanceof DvError)) throw error;
          await this.refusals.record(error, principal, ctx.requestId, accessRuleRefusal({ operation: 'create', ...subject, roleId: request.roleId, ...scope }));
          failed.push({ ...subject, ...scope, error: { code: error.code, message: error.message } });
        }
      }
    }
    return { succeeded, failed, revision: revision === undefined ? {} : { events: revision } };
  }
}
