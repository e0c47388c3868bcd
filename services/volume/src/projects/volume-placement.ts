import { DvError, VolumeEvents } from '@dv/contracts';
import { type OutboxRelay } from '@dv/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { VOLUME_RELAY } from '../tokens';
import { SYSTEM, VolumeEventFactory } from '../volumes/volume-event-factory';
import { type VolumeDoc, nameKeyOf } from '../volumes/volume.model';
import { VolumeRepository } from '../volumes/volume.repository';
import { type ProjectDoc } from './project.model';

/** Writes lost to a concurrent writer (the reconciler, a patch) before giving up for this delivery. */
const MAX_ATTEMPTS = 5;

type Placement = Partial<Pick<VolumeDoc, 'projectName' | 'departmentId' | 'clusterId' | 'nameKey'>>;

/**
 * Keeps what a volume shows of its origin project (name, department, cluster) equal to the project
 * projection after a rename or a move. Each volume that differs is one version-guarded write with a
 * `VolumeEvents.updated` in its outbox, so every read model fed by the events (this service's lists,
 * sharing, admission) and the audit log follow. Idempotent: a redelivered org event finds nothing to
 * change. The namespace stays the one the volume was made in.
 */
@Injectable()
export class VolumePlacement {
  private readonly logger = new Logger('VolumePlacement');

  constructor(
    private readonly volumes: VolumeRepository,
    @Inject(VOLUME_RELAY) private readonly relay: OutboxRelay<VolumeDoc>,
    private readonly events: VolumeEventFactory,
  ) {}

  /** Brings every volume of the project in line with it; how many changed. */
  async align(project: ProjectDoc, stopping?: AbortSignal): Promise<number> {
    const docs = await this.volumes.inProject(project._id);
    let changed = 0;
    for (const doc of docs) {
      // The service is stopping: the event that asked for this goes back and the next delivery aligns them all (idempotent).
      if (stopping?.aborted === true) throw DvError.unavailable(`stopping: project ${project._id}'s volumes are left to the next delivery`);
      if (await this.alignOne(doc, project)) changed++;
    }
    return changed;
  }

  private async alignOne(first: VolumeDoc, project: ProjectDoc): Promise<boolean> {
    let doc: VolumeDoc | null = first;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && doc; attempt++) {
      // Its deleted event is written: for every reader it is gone already.
      if (doc.purging) return false;
      const set = await this.placementChange(doc, project);
      if (!set) return false;
      const { outbox: _outbox, version: _version, ...rest } = doc;
      try {
        await this.volumes.update(doc._id, doc.version, { $set: set }, this.events.of(VolumeEvents.updated, { ...rest, ...set }, SYSTEM));
      } catch (error) {
        if (!(error instanceof DvError) || error.code !== 'CONFLICT') throw error;
        // Someone wrote first (or took the name key meanwhile): read it again and retry.
        doc = await this.volumes.read(doc._id);
        continue;
      }
      await this.relay.flush(doc._id);
      return true;
    }
    if (!doc) return false;
    throw DvError.unavailable(`data volume ${first._id} kept changing while its project's placement was applied; retried later`);
  }

  private async placementChange(doc: VolumeDoc, project: ProjectDoc): Promise<Placement | undefined> {
    const set: Placement = {};
    if (doc.projectName !== project.name) set.projectName = project.name;
    if (doc.departmentId !== project.departmentId) set.departmentId = project.departmentId;
    if (doc.clusterId !== project.clusterId) {
      set.clusterId = project.clusterId;
      // Names are unique per cluster: the name moves with the volume unless the new cluster has it already.
      const nameKey = nameKeyOf(project.clusterId, doc.name);
      if (await this.volumes.nameKeyTakenByOther(nameKey, doc._id)) {
        this.logger.warn(
          `data volume ${doc._id} (${doc.name}) moved to cluster ${project.clusterId}, where the name is taken: it keeps its name key ${doc.nameKey}`,
        );
      } else {
        set.nameKey = nameKey;
      }
    }
    return Object.keys(set).length > 0 ? set : undefined;
  }
}
