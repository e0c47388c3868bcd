import { type ShareableScopeRef, SharingEvents } from '@dv/contracts';
import { type Refusal } from '@dv/messaging';

export interface RefusedChange {
  volumeId: string;
  add: ShareableScopeRef[];
  remove: ShareableScopeRef[];
}

/**
 * A refused change of a sharing list (a share, an unshare or both) as `SharingEvents.refused` records
 * it (through the one RefusalRecorder): the volume as the entity, its project (when known) as the scope.
 */
export function sharingRefusal(change: RefusedChange, projectId: string | undefined): Refusal<typeof SharingEvents.refused> {
  const operation = change.add.length === 0 ? 'unshare' : change.remove.length === 0 ? 'share' : 'update';
  return {
    event: SharingEvents.refused,
    data: { operation, volumeId: change.volumeId, add: change.add, remove: change.remove },
    subject: change.volumeId,
    scope: projectId !== undefined ? { scopeType: 'project', scopeId: projectId } : undefined,
  };
}
