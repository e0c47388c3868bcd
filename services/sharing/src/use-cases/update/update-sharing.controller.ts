import { DvError, type RpcReplyInput, type RpcRequest, SharingRpc } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { SHARING_CONFIG, type SharingConfig } from '../../config/sharing-config';
import { SharingWriter } from '../../lists/sharing-writer';
import { SharingState } from '../../state/sharing-state';

/** PATCH sharedScopes: add and remove scopes (≤ 50 each), returning the whole list. */
@Controller()
export class UpdateSharingController {
  constructor(
    private readonly writer: SharingWriter,
    private readonly state: SharingState,
    @Inject(SHARING_CONFIG) private readonly config: SharingConfig,
  ) {}

  @RpcHandler(SharingRpc.update)
  async update(request: RpcRequest<typeof SharingRpc.update>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof SharingRpc.update>> {
    if (!ctx.identity) throw new DvError('UNAUTHENTICATED', 'this request needs the caller identity (dv-identity header)');
    if (request.add.length + request.remove.length === 0) throw DvError.validation('nothing to change: give scopes to add or remove');
    await this.state.revisions.waitFor(request.atLeast, this.config.SHARING_REVISION_WAIT_MS);
    const result = await this.writer.change(request, { kind: 'caller', identity: ctx.identity, requestId: ctx.requestId });
    return { volumeId: request.volumeId, ...result };
  }
}
