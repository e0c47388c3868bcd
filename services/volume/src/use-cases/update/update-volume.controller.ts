import { DvError, type Principal, type RpcReplyInput, type RpcRequest, VolumeEvents, VolumeRpc } from '@dv/contracts';
import { RefusalRecorder, type RpcCallContext, RpcHandler } from '@dv/messaging';
import { type OutboxRelay } from '@dv/persistence';
import { Controller, Inject } from '@nestjs/common';
import { VolumeAuthorizer } from '../../authorization/volume-authorizer';
import { VOLUME_RELAY } from '../../tokens';
import { VolumeEventFactory } from '../../volumes/volume-event-factory';
import { type VolumeDoc, toDataVolume } from '../../volumes/volume.model';
import { VolumeRepository } from '../../volumes/volume.repository';
import { type RefusalTarget, volumeRefusal } from '../../volumes/volume-refusals';

/** Rounds of read-and-write a patch gets before a version CONFLICT is answered (one writer wins each round). */
const MAX_ATTEMPTS = 16;

/** Patching a data volume: the description only (the contract refuses any other field, naming it). */
@Controller()
export class UpdateVolumeController {
  constructor(
    private readonly volumes: VolumeRepository,
    @Inject(VOLUME_RELAY) private readonly relay: OutboxRelay<VolumeDoc>,
    private readonly authorizer: VolumeAuthorizer,
    private readonly events: VolumeEventFactory,
    private readonly refusals: RefusalRecorder,
  ) {}

  @RpcHandler(VolumeRpc.update)
  async update(request: RpcRequest<typeof VolumeRpc.update>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.update>> {
    const caller = ctx.principal;
    const target: RefusalTarget = { volumeId: request.id };
    return this.refusals.guard(
      caller,
      ctx.requestId,
      () => volumeRefusal('update', target),
      () => this.updateFor(caller, request, ctx, target),
    );
  }

  /**
   * A description patch is a blind write: when the volume changed between our read and our write (the
   * reconciler writing its status, another patch), it is read again and applied again, not refused
   * with the version's CONFLICT. Each round has at least one winner, so a few rounds do.
   */
  private async updateFor(
    caller: Principal,
    request: RpcRequest<typeof VolumeRpc.update>,
    ctx: RpcCallContext,
    target: RefusalTarget,
  ): Promise<RpcReplyInput<typeof VolumeRpc.update>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.updateOnce(caller, request, ctx, target);
      } catch (error) {
        if (!(error instanceof DvError) || error.code !== 'CONFLICT' || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async updateOnce(
    caller: Principal,
    request: RpcRequest<typeof VolumeRpc.update>,
    ctx: RpcCallContext,
    target: RefusalTarget,
  ): Promise<RpcReplyInput<typeof VolumeRpc.update>> {
    const doc = await this.volumes.read(request.id);
    if (!doc) throw DvError.notFound(`data volume ${request.id} does not exist`, { id: request.id });
    Object.assign(target, { name: doc.name, projectId: doc.projectId, clusterId: doc.clusterId });
    await this.authorizer.require(caller, 'update', doc, request.atLeast);
    if (doc.status.phase === 'Deleting') throw DvError.precondition(`data volume ${doc.name} is being deleted`, { id: doc._id });
    if (doc.description === request.description) return { volume: toDataVolume(doc), revision: {} };
    const now = new Date().toISOString();
    const { outbox: _outbox, version: _version, ...rest } = doc;
    const after = { ...rest, description: request.description, updatedAt: now, updatedBy: caller.subjectId };
    const actor = { id: caller.subjectId, type: caller.subjectType, requestId: ctx.requestId };
    const updated = await this.volumes.update(
      doc._id,
      doc.version,
      { $set: { description: request.description, updatedAt: now, updatedBy: caller.subjectId } },
      this.events.of(VolumeEvents.updated, after, actor),
    );
    // Our event is the last in the outbox our write left.
    const { revision } = await this.relay.flush(doc._id, updated.outbox.slice(-1));
    return { volume: toDataVolume(updated), revision: revision === undefined ? {} : { events: revision } };
  }
}
