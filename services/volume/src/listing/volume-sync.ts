import { type Revision } from '@dv/contracts';
import { type AppliedRevision, NATS_CONNECTION, type ProjectionFeed, RevisionTracker, StreamProjection } from '@dv/messaging';
import { ScopeTree, VOLUME_VIEW_EVENTS, applyScopeEvent, volumeViewEventOf } from '@dv/org';
import { MetricsRegistry } from '@dv/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { VOLUME_CONFIG, type VolumeConfig } from '../config/volume-config';
import { VolumeReadModel } from './volume-read-model';

/**
 * Keeps this replica's read model of volumes (what get, list and count answer from) current by
 * following the domain stream in order from its start: every replica applies every volume event
 * (each carrying the whole volume) and every sharing event (each carrying the whole list). Every
 * domain event counts towards the revision, since a caller's `atLeast` may be any event's sequence (a
 * sharing change, an access rule). It follows the org events too (the scope tree reads and creates
 * place projects with, so a read waits for the org revision it depends on as for the volume one).
 * Readiness and start-up: StreamProjection.
 */
@Injectable()
export class VolumeSync extends StreamProjection {
  readonly volumes: VolumeReadModel;
  /** The org's scopes, from the platform stream (deleted ones and those under them are not live). */
  readonly org = new ScopeTree();
  readonly revisions: RevisionTracker;

  constructor(
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(VOLUME_CONFIG) private readonly config: VolumeConfig,
    metrics: MetricsRegistry,
  ) {
    const revisions = new RevisionTracker('volume');
    super(nc, { service: 'volume', revisions, catchUpMs: config.VOLUME_CATCH_UP_MS, metrics });
    this.revisions = revisions;
    this.volumes = new VolumeReadModel({ max: config.VOLUME_TOMBSTONES_MAX, retentionMs: config.VOLUME_TOMBSTONE_RETENTION_MS });
  }

  protected feeds(_heads: AppliedRevision): readonly ProjectionFeed[] {
    return [
      { stream: 'platform', apply: (envelope, seq) => applyScopeEvent(this.org, envelope, seq) },
      {
        stream: 'events',
        types: VOLUME_VIEW_EVENTS,
        apply: (envelope) => {
          const event = volumeViewEventOf(envelope);
          if (event) this.volumes.applyEvent(event);
        },
      },
    ];
  }

  protected sizes(): Record<string, number> {
    return { volumes: this.volumes.size, tombstones: this.volumes.tombstones, scopes: this.org.count() };
  }

  /**
   * The revision a read must see: the caller's `atLeast`, or, when it names no domain-stream revision,
   * the stream's head now (one JetStream API round trip), so that a read without `atLeast` still sees
   * every write acknowledged before it began, the caller's own included, whichever replica made it.
   * UNAVAILABLE when the head cannot be read.
   */
  async revisionFor(atLeast: Revision | undefined): Promise<Revision> {
    if (atLeast?.events !== undefined) return atLeast;
    return { ...atLeast, ...(await this.heads.revision(['events'])) };
  }

  /**
   * Resolves once this replica has applied the domain and org events up to `atLeast` (UNAVAILABLE if
   * not within VOLUME_REVISION_WAIT_MS).
   */
  async reached(atLeast: Revision): Promise<void> {
    await this.revisions.waitFor(atLeast, this.config.VOLUME_REVISION_WAIT_MS);
  }

  /**
   * Resolves once this replica has applied the platform stream's head as it is now (one JetStream
   * API round trip): what an answer that a moment's lag could explain (an unknown project) waits for.
   */
  async reachedPlatformHead(): Promise<void> {
    await this.heads.reach(this.revisions, ['platform'], this.config.VOLUME_REVISION_WAIT_MS);
  }
}
