import { DvError, type RpcReplyInput, type RpcRequest, SharingRpc } from '@dv/contracts';
import { RefusalRecorder, type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { SHARING_CONFIG, type SharingConfig } from '../../config/sharing-config';
import { sharingRefusal } from '../../lists/sharing-refusals';
import { SharingWriter } from '../../lists/sharing-writer';
import { SharingState } from '../../state/sharing-state';

/** PATCH sharedScopes: add and remove scopes (≤ 50 each), returning the whole list; a refusal is recorded as an event. */
@Controller()
export class UpdateSharingController {
  constructor(
    private readonly writer: SharingWriter,
    private readonly state: SharingState,
    private readonly refusals: RefusalRecorder,
    @Inject(SHARING_CONFIG) private readonly config: SharingConfig,
  ) {}

  @RpcHandler(SharingRpc.update)
  async update(request: RpcRequest<typeof SharingRpc.update>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof SharingRpc.update>> {
    // The caller as the transport resolved it: never a group (a group caller used to get this far and be checked as a user).
    const caller = ctx.principal;
    const refusal = () => sharingRefusal(request, this.state.index.liveVolume(request.volumeId)?.projectId);
    return this.refusals.guard(caller, ctx.requestId, refusal, async () => {
      // Inside the guard: a revision no write returned (beyond the streams' heads) is a refusal too.
      await this.state.revisions.waitFor(request.atLeast, this.config.SHARING_REVISION_WAIT_MS);
      if (request.add.length + request.remove.length === 0) throw DvError.validation('nothing to change: give scopes to add or remove');
      const result = await this.writer.change(request, { kind: 'caller', principal: caller, requestId: ctx.requestId });
      return { volumeId: request.volumeId, ...result };
    });
  }
}
