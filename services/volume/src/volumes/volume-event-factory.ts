import { type EventEnvelope, type VolumeEvents } from '@dv/contracts';
import { EventPublisher } from '@dv/messaging';
import { type EventsOf } from '@dv/persistence';
import { Injectable } from '@nestjs/common';
import { type VolumeDoc, toDataVolume } from './volume.model';

type VolumeEvent = (typeof VolumeEvents)[keyof typeof VolumeEvents];

/** Who caused a change: a caller, or the service itself (the reconciler). */
export interface Actor {
  id: string;
  type: 'user' | 'app' | 'service-account' | 'system';
  requestId?: string;
}

export const SYSTEM: Actor = { id: 'volume', type: 'system' };

/** Builds the outbox events of a volume change: the volume as it is after the change, at that version. */
@Injectable()
export class VolumeEventFactory {
  constructor(private readonly publisher: EventPublisher) {}

  of(def: VolumeEvent, after: Omit<VolumeDoc, 'version' | 'outbox'>, actor: Actor): EventsOf {
    return (version: number): EventEnvelope[] => [this.envelope(def, { ...after, version }, actor)];
  }

  private envelope(def: VolumeEvent, doc: Omit<VolumeDoc, 'outbox'>, actor: Actor): EventEnvelope {
    return this.publisher.envelope(
      def,
      { volume: toDataVolume(doc) },
      {
        actor: { id: actor.id, type: actor.type },
        subject: doc._id,
        scope: { scopeType: 'project', scopeId: doc.projectId },
        aggregateVersion: doc.version,
        ...(actor.requestId !== undefined ? { requestId: actor.requestId } : {}),
      },
    );
  }
}
