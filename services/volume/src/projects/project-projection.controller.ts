import { DvError, type EventData, OrgEvents } from '@dv/contracts';
import { type EventHandlingContext, EventHandler } from '@dv/messaging';
import { Controller, Logger } from '@nestjs/common';
import { VolumeReconciler } from '../volumes/volume-reconciler';
import { VolumeRepository } from '../volumes/volume.repository';
import { ClusterRepository } from './cluster.repository';
import { ProjectRepository } from './project.repository';
import { VolumePlacement } from './volume-placement';

/**
 * Keeps the projection of projects (and clusters, for their tenant) from the org events. Each
 * document's version is the stream sequence of the event that produced it, so redeliveries and
 * replays never move it backwards and a deleted project's tombstone is not revived by a late event.
 */
@Controller()
export class ProjectProjectionController {
  private readonly logger = new Logger('ProjectProjection');

  constructor(
    private readonly projects: ProjectRepository,
    private readonly clusters: ClusterRepository,
    private readonly volumes: VolumeRepository,
    private readonly reconciler: VolumeReconciler,
    private readonly placement: VolumePlacement,
  ) {}

  @EventHandler(OrgEvents.project.created)
  async projectCreated(data: EventData<typeof OrgEvents.project.created>, ctx: EventHandlingContext): Promise<void> {
    await this.upsertProject(data, ctx.streamSequence);
    await this.alignVolumes(data.projectId, ctx.signal);
  }

  @EventHandler(OrgEvents.project.updated)
  async projectUpdated(data: EventData<typeof OrgEvents.project.updated>, ctx: EventHandlingContext): Promise<void> {
    await this.upsertProject(data, ctx.streamSequence);
    await this.alignVolumes(data.projectId, ctx.signal);
  }

  @EventHandler(OrgEvents.project.deleted)
  async projectDeleted(data: EventData<typeof OrgEvents.project.deleted>, ctx: EventHandlingContext): Promise<void> {
    const existing = await this.projects.find(data.projectId);
    await this.projects.upsertIfNewer({
      _id: data.projectId,
      name: existing?.name ?? data.projectId,
      namespace: data.namespace,
      departmentId: data.departmentId,
      clusterId: data.clusterId,
      deleted: true,
      version: ctx.streamSequence,
    });
    // The reconciler marks each volume of the project NotReady (with its event). Idempotent on redelivery.
    const affected = await this.volumes.idsInProject(data.projectId);
    for (const id of affected) {
      // Stopping: the event goes back to another replica, which reconciles them all again (idempotent).
      if (ctx.signal.aborted) throw DvError.unavailable(`stopping: project ${data.projectId}'s volumes are left to the next delivery`);
      await this.reconciler.reconcile(id);
    }
    if (affected.length > 0) this.logger.log(`project ${data.projectId} deleted: ${affected.length} volume(s) reconciled`);
  }

  @EventHandler(OrgEvents.cluster.created)
  async clusterCreated(data: EventData<typeof OrgEvents.cluster.created>, ctx: EventHandlingContext): Promise<void> {
    await this.clusters.upsertIfNewer({ _id: data.clusterId, tenantId: data.tenantId, deleted: false, version: ctx.streamSequence });
  }

  @EventHandler(OrgEvents.cluster.updated)
  async clusterUpdated(data: EventData<typeof OrgEvents.cluster.updated>, ctx: EventHandlingContext): Promise<void> {
    await this.clusters.upsertIfNewer({ _id: data.clusterId, tenantId: data.tenantId, deleted: false, version: ctx.streamSequence });
  }

  @EventHandler(OrgEvents.cluster.deleted)
  async clusterDeleted(data: EventData<typeof OrgEvents.cluster.deleted>, ctx: EventHandlingContext): Promise<void> {
    await this.clusters.upsertIfNewer({ _id: data.clusterId, tenantId: data.tenantId, deleted: true, version: ctx.streamSequence });
  }

  /**
   * Names and placement are shown on volumes (and listed and authorized by): each volume that differs
   * from the projection gets an updated event (VolumePlacement). Aligned with the projection as it is
   * now, not with the event: a redelivery after a crash between the two writes still finishes the job,
   * and an older event changes nothing.
   */
  private async alignVolumes(projectId: string, stopping: AbortSignal): Promise<void> {
    const project = await this.projects.find(projectId);
    if (!project || project.deleted) return;
    const changed = await this.placement.align(project, stopping);
    if (changed > 0) this.logger.log(`project ${projectId} renamed or moved: ${changed} volume(s) updated`);
  }

  private async upsertProject(data: EventData<typeof OrgEvents.project.created>, version: number): Promise<boolean> {
    return this.projects.upsertIfNewer({
      _id: data.projectId,
      name: data.name,
      namespace: data.namespace,
      departmentId: data.departmentId,
      clusterId: data.clusterId,
      deleted: false,
      version,
    });
  }
}
