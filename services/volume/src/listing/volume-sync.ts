import { type EventEnvelope, type Revision, STREAMS, SharingEvents, VolumeEvents } from '@dv/contracts';
import { NATS_CONNECTION, RevisionTracker, StreamHeads, type StreamFollower, followStreamsUntilCaughtUp } from '@dv/messaging';
import { ScopeTree, applyScopeEvent, scopeKey } from '@dv/org';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { VOLUME_CONFIG, type VolumeConfig } from '../config/volume-config';
import { VolumeReadModel } from './volume-read-model';

const LIVE = new Set<string>([VolumeEvents.created.type, VolumeEvents.ready.type, VolumeEvents.notReady.type, VolumeEvents.updated.type, VolumeEvents.deleting.type]);
const LIST_CHANGES = new Set<string>([SharingEvents.shared.type, SharingEvents.unshared.type]);
/** The domain events the read model is made of; the follower only counts the others. */
const DOMAIN_TYPES = new Set<string>([...LIVE, VolumeEvents.deleted.type, ...LIST_CHANGES]);

/**
 * Keeps this replica's read model of volumes (what get, list and count answer from) current by
 * following the domain stream in order from its start: every replica applies every volume event
 * (each carrying the whole volume) and every sharing event (each carrying the whole list). Every
 * domain event counts towards the revision, since a caller's `atLeast` may be any event's sequence (a
 * sharing change, an access rule). It follows the org events too (the scope tree reads and creates
 * place projects with, so a read waits for the org revision it depends on as for the volume one).
 * Start-up waits until the replay has reached the ends of the streams as they were; the readiness
 * check says so.
 */
@Injectable()
export class VolumeSync implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('VolumeSync');
  private readonly followers: StreamFollower[] = [];
  private readonly heads: StreamHeads;
  private caughtUp = false;
  readonly volumes: VolumeReadModel;
  /** The org's scopes, from the platform stream (deleted ones and those under them are not live). */
  readonly org = new ScopeTree();
  readonly revisions = new RevisionTracker('volume');

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(VOLUME_CONFIG) private readonly config: VolumeConfig,
  ) {
    this.heads = new StreamHeads(nc);
    // A revision beyond the stream's head is refused at once, not waited for.
    this.revisions.boundBy(this.heads);
    this.volumes = new VolumeReadModel({ max: config.VOLUME_TOMBSTONES_MAX, retentionMs: config.VOLUME_TOMBSTONE_RETENTION_MS });
  }

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
            apply: (envelope, seq) => applyScopeEvent(this.org, envelope.type, envelope.data, seq),
            applied: (seq) => this.revisions.markApplied('platform', seq),
          },
          {
            stream: STREAMS.domain.name,
            subject: 'dv.evt.>',
            types: DOMAIN_TYPES,
            startSeq: 1,
            apply: (envelope) => this.apply(envelope),
            applied: (seq) => this.revisions.markApplied('events', seq),
          },
        ],
        this.config.VOLUME_CATCH_UP_MS,
      )),
    );
    this.caughtUp = true;
    const at = this.revisions.current();
    this.logger.log(`replayed ${this.volumes.size} volumes (${this.volumes.tombstones} deleted ones remembered) up to event #${at.events} and ${this.org.count()} scopes up to org event #${at.platform} in ${Date.now() - started} ms`);
  }

  async onModuleDestroy(): Promise<void> {
    this.caughtUp = false;
    for (const f of this.followers) await f.stop();
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

  private apply(envelope: EventEnvelope): void {
    if (LIVE.has(envelope.type)) {
      this.volumes.apply(VolumeEvents.created.data.parse(envelope.data).volume, false);
    } else if (envelope.type === VolumeEvents.deleted.type) {
      this.volumes.apply(VolumeEvents.deleted.data.parse(envelope.data).volume, true, Date.parse(envelope.time));
    } else if (LIST_CHANGES.has(envelope.type)) {
      const change = SharingEvents.shared.data.parse(envelope.data);
      this.volumes.applyList(
        change.volumeId,
        change.sharedScopes.map((s) => scopeKey(s.scopeType, s.scopeId)),
        envelope.aggregateversion ?? 0,
      );
    }
  }
}
