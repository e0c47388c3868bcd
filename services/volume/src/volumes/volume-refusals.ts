import { type EventData, VolumeEvents } from '@dv/contracts';
import { type Refusal } from '@dv/messaging';

type Operation = EventData<typeof VolumeEvents.refused>['operation'];

/** What a refused write was about, as far as the handler got before the refusal (filled in as it goes). */
export interface RefusalTarget {
  volumeId?: string;
  name?: string;
  projectId?: string;
  clusterId?: string;
}

/**
 * A refused create, update or delete as `VolumeEvents.refused` records it (through the one
 * RefusalRecorder): the volume, if known, as the entity, its project as the scope.
 */
export function volumeRefusal(operation: Operation, target: RefusalTarget): Refusal<typeof VolumeEvents.refused> {
  return {
    event: VolumeEvents.refused,
    data: { operation, ...target },
    subject: target.volumeId,
    scope: target.projectId !== undefined ? { scopeType: 'project', scopeId: target.projectId } : undefined,
  };
}
