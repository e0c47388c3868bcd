import { AuthzRpc, type CheckItem, type Decision, type Principal, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { AUTHZ_CONFIG, type AuthzConfig } from '../../config/authz-config';
import { RequestAuthorizer } from '../../decisions/request-authorizer';
import { AuthzState } from '../../state/authz-state';

/** check and batch check: decisions from memory, each with its explanation. */
@Controller()
export class CheckController {
  constructor(
    private readonly state: AuthzState,
    private readonly authorizer: RequestAuthorizer,
    @Inject(AUTHZ_CONFIG) private readonly config: AuthzConfig,
  ) {}

  @RpcHandler(AuthzRpc.check)
  async check(request: RpcRequest<typeof AuthzRpc.check>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.check>> {
    const caller = ctx.principal;
    await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
    return this.decide(caller, request);
  }

  @RpcHandler(AuthzRpc.checkBatch)
  async checkBatch(request: RpcRequest<typeof AuthzRpc.checkBatch>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuthzRpc.checkBatch>> {
    const caller = ctx.principal;
    await this.state.waitFor(request.atLeast, this.config.AUTHZ_REVISION_WAIT_MS);
    // Validate every scope (and the caller's right to ask) before answering any: all or nothing.
    const nodes = request.checks.map((item) => {
      const node = this.authorizer.scope(item.scope);
      this.authorizer.requireMayAskAbout(caller, item.subject, node);
      return node;
    });
    return { decisions: request.checks.map((item, i) => this.explain(item, nodes[i] as NonNullable<(typeof nodes)[number]>)) };
  }

  private decide(caller: Principal, item: CheckItem): Decision {
    const node = this.authorizer.scope(item.scope);
    this.authorizer.requireMayAskAbout(caller, item.subject, node);
    return this.explain(item, node);
  }

  private explain(item: CheckItem, node: ReturnType<RequestAuthorizer['scope']>): Decision {
    const outcome = this.state.engine.decide(item.subject, item.action, item.resourceType, node);
    return this.state.engine.explain(item.subject, item.action, item.resourceType, node, outcome);
  }
}
