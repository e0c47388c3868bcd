import { DvError, type Principal, type RpcReplyInput, type RpcRequest, VolumeEvents, VolumeRpc } from '@dv/contracts';
import { RefusalRecorder, type RpcCallContext, RpcHandler } from '@dv/messaging';
import { type OutboxRelay } from '@dv/persistence';
import { Controller, Inject } from '@nestjs/common';
import { type Failpoints } from '@dv/runtime';
import { VOLUME_CONFIG, type VolumeConfig, type VolumeFailpoint } from '../../config/volume-config';
import { nameInUse } from '../../volumes/name-in-use';
import { randomUUID } from 'node:crypto';
import { VolumeAuthorizer } from '../../authorization/volume-authorizer';
import { VolumeKube } from '../../kube/volume-kube';
import { copyNames } from '@dv/kube';
import { LiveProjects } from '../../projects/live-projects';
import { FAILPOINTS, VOLUME_RELAY } from '../../tokens';
import { VolumeEventFactory } from '../../volumes/volume-event-factory';
import { VolumeReconciler } from '../../volumes/volume-reconciler';
import { type RefusalTarget, volumeRefusal } from '../../volumes/volume-refusals';
import { type VolumeDoc, nameKeyOf, toDataVolume } from '../../volumes/volume.model';
import { VolumeRepository } from '../../volumes/volume.repository';

/**
 * Creating a data volume: validated (the contract), in a live project (not deleted, nor under a
 * deleted scope), authorized there, checked against the cluster (the origin PVC exists in the
 * project's namespace, is Bound, its PV exists and is bound to that very claim), then recorded with its
 * event (phase Creating) before anything is made in the cluster; the reconciler makes it Ready.
 * Every refusal happens before the record, so a refused create leaves nothing anywhere but its
 * refused event (volumeRefusal, through the RefusalRecorder).
 */
@Controller()
export class CreateVolumeController {
  constructor(
    @Inject(VOLUME_CONFIG) private readonly config: VolumeConfig,
    private readonly volumes: VolumeRepository,
    @Inject(VOLUME_RELAY) private readonly relay: OutboxRelay<VolumeDoc>,
    private readonly authorizer: VolumeAuthorizer,
    private readonly projects: LiveProjects,
    private readonly kube: VolumeKube,
    private readonly events: VolumeEventFactory,
    private readonly reconciler: VolumeReconciler,
    @Inject(FAILPOINTS) private readonly failpoints: Failpoints<VolumeFailpoint>,
    private readonly refusals: RefusalRecorder,
  ) {}

  @RpcHandler(VolumeRpc.create)
  async create(request: RpcRequest<typeof VolumeRpc.create>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeRpc.create>> {
    const caller = ctx.principal;
    const target: RefusalTarget = { name: request.name, projectId: request.projectId };
    return this.refusals.guard(
      caller,
      ctx.requestId,
      () => volumeRefusal('create', target),
      () => this.createFor(caller, request, ctx, target),
    );
  }

  private async createFor(
    caller: Principal,
    request: RpcRequest<typeof VolumeRpc.create>,
    ctx: RpcCallContext,
    target: RefusalTarget,
  ): Promise<RpcReplyInput<typeof VolumeRpc.create>> {
    // The project as of the org revision the caller names (or the platform stream's head, when this
    // replica does not know it yet); authz is asked at least as of what this replica has seen, and
    // only about the project itself: a project gone (or under a scope gone) gets nothing.
    const project = await this.projects.require(request.projectId, request.atLeast);
    target.clusterId = project.clusterId;
    const atLeast = { ...request.atLeast, platform: Math.max(request.atLeast?.platform ?? 0, this.projects.platformRevision()) };
    await this.authorizer.require(caller, 'create', { projectId: project._id, departmentId: project.departmentId, clusterId: project.clusterId }, atLeast, {
      liveProjectOnly: true,
    });
    const nameKey = nameKeyOf(project.clusterId, request.name);
    if (await nameInUse(this.volumes, nameKey, this.config.VOLUME_REVISION_WAIT_MS)) throw this.nameTaken(request.name, project.clusterId);
    const origin = await this.kube.inspectOrigin(project.namespace, request.originPvcName, project._id);

    const id = randomUUID();
    const now = new Date().toISOString();
    const copies = copyNames(id, request.name, project.namespace);
    const doc: Omit<VolumeDoc, 'version' | 'outbox'> = {
      _id: id,
      nameKey,
      name: request.name,
      projectId: project._id,
      projectName: project.name,
      departmentId: project.departmentId,
      clusterId: project.clusterId,
      namespace: project.namespace,
      originPvcName: request.originPvcName,
      useOriginalVolume: request.useOriginalVolume,
      storage: origin.storage,
      createdAt: now,
      createdBy: caller.subjectId,
      updatedAt: now,
      updatedBy: caller.subjectId,
      // Due at once: the reconcile right after the write, or the next sweep if this process dies first.
      nextAttemptAt: now,
      attempts: 0,
      status: {
        phase: 'Creating',
        conditions: [],
        // With useOriginalVolume the origin project mounts the origin PVC itself; otherwise its own read-only copy.
        datavolumePvcName: request.useOriginalVolume ? request.originPvcName : copies.pvcName,
        datavolumePvName: request.useOriginalVolume ? origin.pvName : copies.pvName,
      },
    };
    if (request.description !== undefined) doc.description = request.description;
    const actor = { id: caller.subjectId, type: caller.subjectType, requestId: ctx.requestId };
    let stored: VolumeDoc;
    try {
      stored = await this.volumes.insert(doc, this.events.of(VolumeEvents.created, doc, actor));
    } catch (error) {
      if (error instanceof DvError && error.code === 'CONFLICT') throw this.nameTaken(request.name, project.clusterId);
      throw error;
    }
    this.failpoints.hit('crash-after-record');
    const { revision } = await this.relay.flush(id, stored.outbox);
    void this.reconciler.reconcile(id);
    return { volume: toDataVolume(stored), revision: revision === undefined ? {} : { events: revision } };
  }

  private nameTaken(name: string, clusterId: string): DvError {
    return DvError.conflict(`a data volume named ${name} already exists in cluster ${clusterId}`, { name, clusterId });
  }
}
