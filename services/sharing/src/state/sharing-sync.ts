import { type EventEnvelope } from '@dv/contracts';
import { NATS_CONNECTION, type ProjectionFeed, StreamProjection, type AppliedRevision } from '@dv/messaging';
import { VOLUME_VIEW_EVENTS, applyScopeEvent, volumeViewEventOf } from '@dv/org';
import { MetricsRegistry } from '@dv/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { SHARING_CONFIG, type SharingConfig } from '../config/sharing-config';
import { SharingState } from './sharing-state';

/**
 * Keeps this replica's memory current by following, in order, the org events and the volume and
 * sharing events from the start of their streams (every replica applies every event; every apply is
 * version-guarded). Readiness and start-up: StreamProjection.
 */
@Injectable()
export class SharingSync extends StreamProjection {
  constructor(
    private readonly state: SharingState,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(SHARING_CONFIG) config: SharingConfig,
    metrics: MetricsRegistry,
  ) {
    super(nc, { service: 'sharing', revisions: state.revisions, catchUpMs: config.SHARING_CATCH_UP_MS, metrics });
  }

  protected feeds(_heads: AppliedRevision): readonly ProjectionFeed[] {
    return [
      { stream: 'platform', apply: (envelope, seq) => applyScopeEvent(this.state.tree, envelope, seq) },
      // Every domain event moves the revision (a caller's `atLeast` may be an access rule's); only the volume and list events are read.
      { stream: 'events', types: VOLUME_VIEW_EVENTS, apply: (envelope) => this.applyDomainEvent(envelope) },
    ];
  }

  private applyDomainEvent(envelope: EventEnvelope): void {
    const event = volumeViewEventOf(envelope);
    if (event) this.state.index.apply(event);
  }

  protected sizes(): Record<string, number> {
    return { volumes: this.state.index.volumes.size, tombstones: this.state.index.tombstones, scopes: this.state.tree.count() };
  }
}
