import { AuthzRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from '../../config/authz-config';
import { AuthzState } from '../../state/authz-state';

/**
 * The caller's permissions summary (the REST API's `GET /authorization/permissions`): per resource
 * type, the actions some live scope grants it. Only about the caller itself, so only an identity is needed.
 */
@Controller()
export class MyPermissionsController {
  constructor(
    private readonly state: AuthzState,
    @Inject(AUTHZ_CONFIG) private readonly config: AuthzConfig,
  ) {}

  @RpcHandler(AuthzRpc.myPermissions)
  async mine(request: RpcRequest<typeof AuthzRpc.myPermissions>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.myPermissions>> {
    const caller = ctx.principal;
    await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
    const permissions = [...this.state.engine.actionsAnywhere(caller)].map(([resourceType, actions]) => this.state.catalog.permission(resourceType, actions));
    return { permissions };
  }
}
