import { AuthzRpc, DvError, type RpcReplyInput, type RpcRequest, SharingRpc } from '@dv/contracts';
import { NATS_CONNECTION, RpcClient, type RpcCallContext, RpcHandler, StreamHeads } from '@dv/messaging';
import { type NatsConnection } from '@nats-io/nats-core';
import { Controller, Inject } from '@nestjs/common';
import { SHARING_CONFIG, type SharingConfig } from '../../config/sharing-config';
import { SharingState } from '../../state/sharing-state';
import { visibleScopes } from './visible-scopes';

/** Sharing lists, showing only the scopes the caller may view. */
@Controller()
export class ListSharingController {
  private readonly heads: StreamHeads;

  constructor(
    private readonly state: SharingState,
    private readonly rpc: RpcClient,
    @Inject(SHARING_CONFIG) private readonly config: SharingConfig,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
  ) {
    this.heads = new StreamHeads(nc);
  }

  @RpcHandler(SharingRpc.list)
  async list(request: RpcRequest<typeof SharingRpc.list>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof SharingRpc.list>> {
    const subject = ctx.principal;
    // Without a revision, the domain stream's head: the caller sees its own change made on another replica.
    if (request.atLeast?.events === undefined) await this.heads.reach(this.state.revisions, ['events'], this.config.SHARING_REVISION_WAIT_MS);
    await this.state.revisions.waitFor(request.atLeast, this.config.SHARING_REVISION_WAIT_MS);
    const volume = this.state.index.liveVolume(request.volumeId);
    if (!volume) throw DvError.notFound(`data volume ${request.volumeId} does not exist`);
    const opts = { identity: subject, requestId: ctx.requestId };
    const atLeast = request.atLeast ? { atLeast: request.atLeast } : {};
    const canSeeVolume = await this.rpc.call(
      AuthzRpc.check,
      { subject, action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: volume.projectId }, ...atLeast },
      opts,
    );
    // Not visible and not there answer the same.
    if (!canSeeVolume.allowed) throw DvError.notFound(`data volume ${request.volumeId} does not exist`);
    const permitted = (await this.rpc.call(AuthzRpc.permittedScopes, { subject, resourceType: 'datavolumes/sharedscopes', action: 'read', ...atLeast }, opts))
      .read;
    const visible = visibleScopes(permitted);
    return { volumeId: request.volumeId, sharedScopes: this.state.index.list(request.volumeId).filter((s) => visible(s.scopeType, s.scopeId)) };
  }

  /**
   * Many volumes' lists at once (the volume service's get and list pages): one permitted-scopes
   * question for the caller, then memory. The volume service has already authorized the volumes.
   */
  @RpcHandler(SharingRpc.listMany)
  async listMany(request: RpcRequest<typeof SharingRpc.listMany>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof SharingRpc.listMany>> {
    const subject = ctx.principal;
    await this.state.revisions.waitFor(request.atLeast, this.config.SHARING_REVISION_WAIT_MS);
    const ids = [...new Set(request.volumeIds)];
    const lists = ids.map((volumeId) => ({ volumeId, sharedScopes: this.state.index.liveVolume(volumeId) ? this.state.index.list(volumeId) : [] }));
    if (lists.every((l) => l.sharedScopes.length === 0)) return { lists };
    const permitted = (
      await this.rpc.call(
        AuthzRpc.permittedScopes,
        { subject, resourceType: 'datavolumes/sharedscopes', action: 'read', ...(request.atLeast ? { atLeast: request.atLeast } : {}) },
        { identity: subject, requestId: ctx.requestId },
      )
    ).read;
    const visible = visibleScopes(permitted);
    return { lists: lists.map((l) => ({ volumeId: l.volumeId, sharedScopes: l.sharedScopes.filter((s) => visible(s.scopeType, s.scopeId)) })) };
  }
}
