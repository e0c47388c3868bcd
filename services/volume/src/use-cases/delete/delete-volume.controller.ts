import { DvError, type Principal, type RpcReplyInput, type RpcRequest, VolumeEvents, VolumeRpc } from '@dv/contracts';
import { RefusalRecorder, type RpcCallContext, RpcHandler } from '@dv/messaging';
import { type OutboxRelay } from '@dv/persistence';
import { Controller, Inject } from '@nestjs/common';
import { VolumeAuthorizer } from '../../authorization/volume-authorizer';
import { VOLUME_RELAY } from '../../tokens';
import { VolumeEventFactory } from '../../volumes/volume-event-factory';
import { VolumeReconciler } from '../../volumes/volume-reconciler';
import { type VolumeDoc, toDataVolume } from '../../volumes/volume.model';
import { VolumeRepository } from '../../volumes/volume.repository';
import { type RefusalTarget, volumeRefusal } from '../../volumes/volume-refusals';
import { UsageGuard } from './usage-guard';

/** Deleting: recorded as phase Deleting (with its event); the reconciler releases the copies, then removes the volume. */
@Controller()
export class DeleteVolumeController {
  constructor(
    private readonly volumes: VolumeRepository,
    @Inject(VOLUME_RELAY) private readonly relay: OutboxRelay<VolumeDoc>,
    private readonly authorizer: VolumeAuthorizer,
    private readonly events: VolumeEventFactory,
    private readonly reconciler: VolumeReconciler,
    private readonly usage: UsageGuard,
    private readonly refusals: RefusalRecorder,
  ) {}

  @RpcHandler(VolumeRpc.delete)
  async delete(request: RpcRequest<typeof VolumeRpc.delete>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.delete>> {
    const caller = ctx.principal;
    const target: RefusalTarget = { volumeId: request.id };
    return this.refusals.guard(
      caller,
      ctx.requestId,
      () => volumeRefusal('delete', target),
      () => this.deleteFor(caller, request, ctx, target),
    );
  }

  private async deleteFor(
    caller: Principal,
    request: RpcRequest<typeof VolumeRpc.delete>,
    ctx: RpcCallContext,
    target: RefusalTarget,
  ): Promise<RpcReplyInput<typeof VolumeRpc.delete>> {
    const doc = await this.volumes.read(request.id);
    if (!doc) throw DvError.notFound(`data volume ${request.id} does not exist`, { id: request.id });
    Object.assign(target, { name: doc.name, projectId: doc.projectId, clusterId: doc.clusterId });
    await this.authorizer.require(caller, 'delete', doc, request.atLeast);
    if (doc.status.phase === 'Deleting') return { volume: toDataVolume(doc), revision: {} };
    await this.usage.requireUnused(doc._id, doc.name);
    const now = new Date().toISOString();
    const status = { ...doc.status, phase: 'Deleting' as const };
    delete status.phaseMessage;
    const { outbox: _outbox, version: _version, ...rest } = doc;
    const after = { ...rest, status, updatedAt: now, updatedBy: caller.subjectId };
    const actor = { id: caller.subjectId, type: caller.subjectType, requestId: ctx.requestId };
    const updated = await this.volumes.update(
      doc._id,
      doc.version,
      // Due at once, with a fresh back-off: releasing is a new job.
      { $set: { status, updatedAt: now, updatedBy: caller.subjectId, nextAttemptAt: now, attempts: 0 } },
      this.events.of(VolumeEvents.deleting, after, actor),
    );
    const { revision } = await this.relay.flush(doc._id, updated.outbox.slice(-1));
    void this.reconciler.reconcile(doc._id);
    return { volume: toDataVolume(updated), revision: revision === undefined ? {} : { events: revision } };
  }
}
