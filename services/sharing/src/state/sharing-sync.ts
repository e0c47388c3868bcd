import { type EventEnvelope, SharingEvents, STREAMS, VolumeEvents } from '@dv/contracts';
import { NATS_CONNECTION, type StreamFollower, followStreamsUntilCaughtUp } from '@dv/messaging';
import { applyScopeEvent } from '@dv/org';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { SHARING_CONFIG, type SharingConfig } from '../config/sharing-config';
import { SharingState } from './sharing-state';

const VOLUME_LIFECYCLE = new Set<string>([
  VolumeEvents.created.type,
  VolumeEvents.ready.type,
  VolumeEvents.notReady.type,
  VolumeEvents.updated.type,
  VolumeEvents.deleting.type,
]);
/** The domain events the sharing index is made of. */
const DOMAIN_TYPES = new Set<string>([...VOLUME_LIFECYCLE, VolumeEvents.deleted.type, SharingEvents.shared.type, SharingEvents.unshared.type]);

/**
 * Keeps this replica's memory current by following, in order, the org events and the volume and
 * sharing events from the start of their streams (every replica applies every event; every apply is
 * version-guarded). Start-up waits until the replay has reached the streams' ends as they were.
 */
@Injectable()
export class SharingSync implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SharingSync');
  private readonly followers: StreamFollower[] = [];
  private caughtUp = false;

  constructor(
    private readonly state: SharingState,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SHARING_CONFIG) private readonly config: SharingConfig,
  ) {}

  get ready(): boolean {
    // Not while a follower catches up again after a NATS restart.
    return this.caughtUp && this.followers.every((f) => f.following);
  }

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    this.followers.push(
      ...(await followStreamsUntilCaughtUp(
        this.nc,
        [
          {
            stream: STREAMS.platform.name,
            subject: 'platform.evt.>',
            startSeq: 1,
            apply: (envelope, seq) => applyScopeEvent(this.state.tree, envelope.type, envelope.data, seq),
            applied: (seq) => this.state.revisions.markApplied('platform', seq),
          },
          {
            stream: STREAMS.domain.name,
            // Every domain event: a revision may be any event's sequence (an access rule's, say).
            // Only those of DOMAIN_TYPES are read; the rest are counted.
            subject: 'dv.evt.>',
            types: DOMAIN_TYPES,
            startSeq: 1,
            apply: (envelope) => this.applyDomainEvent(envelope),
            applied: (seq) => this.state.revisions.markApplied('events', seq),
          },
        ],
        this.config.SHARING_CATCH_UP_MS,
      )),
    );
    this.caughtUp = true;
    this.logger.log(`replayed ${this.state.index.volumes.size} volumes (${this.state.index.tombstones} deleted ones remembered) and ${this.state.tree.count()} scopes in ${Date.now() - started} ms`);
  }

  async onModuleDestroy(): Promise<void> {
    this.caughtUp = false;
    for (const f of this.followers) await f.stop();
  }

  private applyDomainEvent(envelope: EventEnvelope): void {
    if (VOLUME_LIFECYCLE.has(envelope.type)) {
      this.state.index.applyVolume(VolumeEvents.created.data.parse(envelope.data).volume, false);
    } else if (envelope.type === VolumeEvents.deleted.type) {
      this.state.index.applyVolume(VolumeEvents.deleted.data.parse(envelope.data).volume, true, Date.parse(envelope.time));
    } else if (envelope.type === SharingEvents.shared.type || envelope.type === SharingEvents.unshared.type) {
      const change = SharingEvents.shared.data.parse(envelope.data);
      this.state.index.applyList(change.volumeId, change.sharedScopes, envelope.aggregateversion ?? 0);
    }
  }
}
