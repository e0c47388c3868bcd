import { AuthzRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from '../../config/authz-config';
import { RequestAuthorizer } from '../../decisions/request-authorizer';
import { AuthzState } from '../../state/authz-state';

/** Who may do an action on a resource type in a scope, and through which rules. */
@Controller()
export class WhoCanController {
  constructor(
    private readonly state: AuthzState,
    private readonly authorizer: RequestAuthorizer,
    @Inject(AUTHZ_CONFIG) private readonly config: AuthzConfig,
  ) {}

  @RpcHandler(AuthzRpc.whoCan)
  async whoCan(request: RpcRequest<typeof AuthzRpc.whoCan>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.whoCan>> {
    const caller = ctx.principal;
    await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
    const node = this.authorizer.scope(request.scope);
    if (caller.subjectType !== 'service-account') this.authorizer.require(caller, 'read', 'access_rules', node);
    const subjects = [...this.state.engine.whoCan(request.action, request.resourceType, node).values()];
    subjects.sort((a, b) => a.subjectType.localeCompare(b.subjectType) || a.subjectId.localeCompare(b.subjectId));
    return { subjects };
  }
}
