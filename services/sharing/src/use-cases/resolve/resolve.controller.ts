import { DvError, type RpcReplyInput, type RpcRequest, SharingRpc } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { SHARING_CONFIG, type SharingConfig } from '../../config/sharing-config';
import { SharingState } from '../../state/sharing-state';

/**
 * For the other services (admission, volume listing): is V usable in P, and which volumes are usable
 * in P. From memory; the callers authorize their own callers.
 */
@Controller()
export class ResolveController {
  constructor(
    private readonly state: SharingState,
    @Inject(SHARING_CONFIG) private readonly config: SharingConfig,
  ) {}

  @RpcHandler(SharingRpc.resolve)
  async resolve(request: RpcRequest<typeof SharingRpc.resolve>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof SharingRpc.resolve>> {
    if (!ctx.identity) throw new DvError('UNAUTHENTICATED', 'this request needs the caller identity (dv-identity header)');
    await this.state.revisions.waitFor(request.atLeast, this.config.SHARING_REVISION_WAIT_MS);
    return this.state.index.resolve(request.volumeId, request.projectId);
  }

  @RpcHandler(SharingRpc.usableVolumes)
  async usableVolumes(request: RpcRequest<typeof SharingRpc.usableVolumes>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof SharingRpc.usableVolumes>> {
    if (!ctx.identity) throw new DvError('UNAUTHENTICATED', 'this request needs the caller identity (dv-identity header)');
    await this.state.revisions.waitFor(request.atLeast, this.config.SHARING_REVISION_WAIT_MS);
    if (!this.state.tree.live('project', request.projectId)) throw DvError.notFound(`project ${request.projectId} does not exist`);
    const { volumeIds, more } = this.state.index.usableVolumes(request.projectId, { after: request.after, limit: request.limit });
    const last = volumeIds[volumeIds.length - 1];
    return more && last !== undefined ? { volumeIds, next: last } : { volumeIds };
  }
}
