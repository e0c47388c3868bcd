import { AuthzRpc, DvError, type Principal, type Revision, type RpcReplyInput, type RpcRequest, SharingRpc } from '@dv/contracts';
import { RpcClient, type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { SHARING_CONFIG, type SharingConfig } from '../../config/sharing-config';
import { SharingState } from '../../state/sharing-state';

/**
 * Is V usable in P, and which volumes are usable in P: from memory. Answered only to callers who may
 * know the answer: the platform services that ask on behalf of their own callers, which they
 * authorize themselves (SHARING_TRUSTED_SERVICES, service accounts), and callers who may read data
 * volumes in P (one authz check); everyone else is FORBIDDEN (docs/decisions/0010).
 */
@Controller()
export class ResolveController {
  private readonly trusted: ReadonlySet<string>;

  constructor(
    private readonly state: SharingState,
    private readonly rpc: RpcClient,
    @Inject(SHARING_CONFIG) private readonly config: SharingConfig,
  ) {
    this.trusted = new Set(config.SHARING_TRUSTED_SERVICES);
  }

  @RpcHandler(SharingRpc.resolve)
  async resolve(request: RpcRequest<typeof SharingRpc.resolve>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof SharingRpc.resolve>> {
    const caller = ctx.principal;
    await this.state.revisions.waitFor(request.atLeast, this.config.SHARING_REVISION_WAIT_MS);
    // An unknown project is no secret (and authz could not be asked about it).
    if (this.state.tree.live('project', request.projectId)) await this.requireMayRead(caller, request.projectId, request.atLeast, ctx.requestId);
    return this.state.index.resolve(request.volumeId, request.projectId);
  }

  @RpcHandler(SharingRpc.usableVolumes)
  async usableVolumes(request: RpcRequest<typeof SharingRpc.usableVolumes>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof SharingRpc.usableVolumes>> {
    const caller = ctx.principal;
    await this.state.revisions.waitFor(request.atLeast, this.config.SHARING_REVISION_WAIT_MS);
    if (!this.state.tree.live('project', request.projectId)) throw DvError.notFound(`project ${request.projectId} does not exist`);
    await this.requireMayRead(caller, request.projectId, request.atLeast, ctx.requestId);
    const { volumeIds, more } = this.state.index.usableVolumes(request.projectId, { after: request.after, limit: request.limit });
    const last = volumeIds[volumeIds.length - 1];
    return more && last !== undefined ? { volumeIds, next: last } : { volumeIds };
  }

  /** FORBIDDEN unless the caller is a trusted platform service or may read data volumes in the project. */
  private async requireMayRead(principal: Principal, projectId: string, atLeast: Revision | undefined, requestId: string): Promise<void> {
    if (principal.subjectType === 'service-account' && this.trusted.has(principal.subjectId)) return;
    const decision = await this.rpc.call(
      AuthzRpc.check,
      { subject: principal, action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: projectId }, ...(atLeast ? { atLeast } : {}) },
      { identity: principal, requestId },
    );
    if (!decision.allowed) {
      throw DvError.forbidden(
        `what is usable in project ${projectId} is only answered to the platform services and to callers who may read datavolumes there: ${decision.message}`,
        {
          action: 'read',
          resourceType: 'datavolumes',
          scopeType: 'project',
          scopeId: projectId,
        },
      );
    }
  }
}
