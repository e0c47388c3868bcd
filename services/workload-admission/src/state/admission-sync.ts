import { AdmissionEvents, AuthzEvents, type EventEnvelope, STREAMS, SharingEvents, VolumeEvents } from '@dv/contracts';
import { NATS_CONNECTION, type StreamFollower, followStreamsUntilCaughtUp } from '@dv/messaging';
import { applyScopeEvent } from '@dv/org';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { AdmissionState } from './admission-state';

/** What can change authz's answers (besides scopes): cached answers are asked again after any of them. */
const PERMISSION_CHANGES = new Set<string>([AuthzEvents.accessRuleCreated.type, AuthzEvents.accessRuleDeleted.type]);
const VOLUME_LIFECYCLE = new Set<string>([VolumeEvents.created.type, VolumeEvents.ready.type, VolumeEvents.notReady.type, VolumeEvents.updated.type, VolumeEvents.deleting.type]);
/**
 * The domain events this replica's memory is made of. The rest (its own decisions above all, one or
 * two per review) are only counted: parsing each would cost every review the CPU of a second reader.
 */
const DOMAIN_TYPES = new Set<string>([
  ...PERMISSION_CHANGES,
  ...VOLUME_LIFECYCLE,
  VolumeEvents.deleted.type,
  SharingEvents.shared.type,
  SharingEvents.unshared.type,
  AdmissionEvents.bindingCreated.type,
  AdmissionEvents.bindingRemoved.type,
]);

/**
 * Keeps this replica's memory current by following, in order, the org events and the domain events
 * (volumes, bindings) from the start of their streams. Every apply is version-guarded or idempotent.
 * Start-up waits until the replay has reached the streams' ends as they were.
 */
@Injectable()
export class AdmissionSync implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AdmissionSync');
  private readonly followers: StreamFollower[] = [];
  private caughtUp = false;

  constructor(
    private readonly state: AdmissionState,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
  ) {}

  get ready(): boolean {
    return this.caughtUp;
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
            apply: (envelope, seq) => {
              const change = applyScopeEvent(this.state.tree, envelope.type, envelope.data, seq);
              if (change) this.state.permissionsGeneration++;
              if (change?.kind === 'upsert' && change.change.type === 'project') this.state.noteProjectNamespace(change.change.id, change.change.namespace);
            },
            applied: (seq) => this.state.revisions.markApplied('platform', seq),
          },
          {
            stream: STREAMS.domain.name,
            subject: 'dv.evt.>',
            types: DOMAIN_TYPES,
            startSeq: 1,
            apply: (envelope) => this.applyDomainEvent(envelope),
            applied: (seq) => this.state.revisions.markApplied('events', seq),
          },
        ],
        this.config.ADMISSION_CATCH_UP_MS,
      )),
    );
    this.caughtUp = true;
    this.logger.log(`replayed ${this.state.volumes.size} volumes, ${this.state.bindings.size} bindings and ${this.state.tree.count()} scopes in ${Date.now() - started} ms`);
  }

  async onModuleDestroy(): Promise<void> {
    this.caughtUp = false;
    for (const f of this.followers) await f.stop();
  }

  private applyDomainEvent(envelope: EventEnvelope): void {
    if (PERMISSION_CHANGES.has(envelope.type)) this.state.permissionsGeneration++;
    if (VOLUME_LIFECYCLE.has(envelope.type)) {
      const { volume } = VolumeEvents.created.data.parse(envelope.data);
      this.state.volumes.apply(volume, false);
      this.state.sharing.applyVolume(volume, false);
    } else if (envelope.type === VolumeEvents.deleted.type) {
      const { volume } = VolumeEvents.deleted.data.parse(envelope.data);
      this.state.volumes.apply(volume, true);
      this.state.sharing.applyVolume(volume, true);
    } else if (envelope.type === SharingEvents.shared.type || envelope.type === SharingEvents.unshared.type) {
      const change = SharingEvents.shared.data.parse(envelope.data);
      this.state.sharing.applyList(change.volumeId, change.sharedScopes, envelope.aggregateversion ?? 0);
    } else if (envelope.type === AdmissionEvents.bindingCreated.type) {
      this.state.bindings.add(AdmissionEvents.bindingCreated.data.parse(envelope.data));
    } else if (envelope.type === AdmissionEvents.bindingRemoved.type) {
      const removed = AdmissionEvents.bindingRemoved.data.parse(envelope.data);
      this.state.bindings.remove(removed.volumeId, removed.namespace);
    }
  }
}
