import { AuthzRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from '../../config/authz-config';
import { RequestAuthorizer } from '../../decisions/request-authorizer';
import { AuthzState } from '../../state/authz-state';

/** Where may the subject act on a resource type: per action, the reference's scope sets. */
@Controller()
export class PermittedScopesController {
  constructor(
    private readonly state: AuthzState,
    private readonly authorizer: RequestAuthorizer,
    @Inject(AUTHZ_CONFIG) private readonly config: AuthzConfig,
  ) {}

  @RpcHandler(AuthzRpc.permittedScopes)
  async permittedScopes(request: RpcRequest<typeof AuthzRpc.permittedScopes>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.permittedScopes>> {
    const caller = ctx.principal;
    // Wait first: the caller's right to ask may come from the very write it passes as atLeast.
    await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
    this.authorizer.requireMayAskAbout(caller, request.subject, this.authorizer.root());
    return this.state.engine.permittedScopes(request.subject, request.resourceType, request.action);
  }
}
