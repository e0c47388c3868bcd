import { type EventData, OrgEvents, type SHAREABLE_SCOPE_TYPES, VolumeEvents } from '@dv/contracts';
import { EventHandler, type EventHandlingContext } from '@dv/messaging';
import { Controller, Logger } from '@nestjs/common';
import { SharingWriter } from '../lists/sharing-writer';
import { SharingListRepository } from '../lists/sharing-list.repository';

type ShareableType = (typeof SHAREABLE_SCOPE_TYPES)[number];

/**
 * What other services' events do to sharing lists (one durable consumer shared by the replicas):
 * a deleted volume's list goes (with an unshared event per scope); a deleted scope leaves every list
 * it was on. Both idempotent.
 */
@Controller()
export class SharingReactionsController {
  private readonly logger = new Logger('SharingReactions');

  constructor(
    private readonly writer: SharingWriter,
    private readonly lists: SharingListRepository,
  ) {}

  @EventHandler(VolumeEvents.deleted)
  async volumeDeleted(data: EventData<typeof VolumeEvents.deleted>, _ctx: EventHandlingContext): Promise<void> {
    const scopes = await this.writer.dropList(data.volume.id, data.volume.projectId);
    if (scopes > 0) this.logger.log(`data volume ${data.volume.id} deleted: its list of ${scopes} scope(s) went with it`);
  }

  @EventHandler(OrgEvents.cluster.deleted)
  async clusterDeleted(data: EventData<typeof OrgEvents.cluster.deleted>, _ctx: EventHandlingContext): Promise<void> {
    await this.unshareEverywhere('cluster', data.clusterId);
  }

  @EventHandler(OrgEvents.department.deleted)
  async departmentDeleted(data: EventData<typeof OrgEvents.department.deleted>, _ctx: EventHandlingContext): Promise<void> {
    await this.unshareEverywhere('department', data.departmentId);
  }

  @EventHandler(OrgEvents.project.deleted)
  async projectDeleted(data: EventData<typeof OrgEvents.project.deleted>, _ctx: EventHandlingContext): Promise<void> {
    await this.unshareEverywhere('project', data.projectId);
  }

  private async unshareEverywhere(scopeType: ShareableType, scopeId: string): Promise<void> {
    for (const list of await this.lists.sharedWith(scopeId)) {
      if (!list.scopes.some((s) => s.scopeType === scopeType && s.scopeId === scopeId)) continue;
      await this.writer.change({ volumeId: list._id, add: [], remove: [{ scopeType, scopeId }] }, { kind: 'system' }).catch((error: unknown) => {
        // The volume is gone from memory (deleted): its list goes with it.
        this.logger.warn(`could not unshare ${list._id} from ${scopeType} ${scopeId}: ${error instanceof Error ? error.message : String(error)}`);
        throw error;
      });
    }
  }
}
