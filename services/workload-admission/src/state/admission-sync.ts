import { AdmissionEvents, AuthzEvents, type EventEnvelope, STREAMS, SharingEvents, VolumeEvents, WorkloadEvents } from '@dv/contracts';
import { NATS_CONNECTION, type StreamFollower, followStreamsUntilCaughtUp } from '@dv/messaging';
import { applyScopeEvent } from '@dv/org';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection } from '@nats-io/nats-core';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { releaseKeys, usageKey } from '../usage/usage-key';
import { UsageRecords } from '../usage/usage-records';
import { AdmissionState } from './admission-state';

/** What can change authz's answers (besides scopes): cached answers are asked again after any of them. */
const PERMISSION_CHANGES = new Set<string>([AuthzEvents.accessRuleCreated.type, AuthzEvents.accessRuleDeleted.type]);
const VOLUME_LIFECYCLE = new Set<string>([VolumeEvents.created.type, VolumeEvents.ready.type, VolumeEvents.notReady.type, VolumeEvents.updated.type, VolumeEvents.deleting.type]);
/**
 * The domain events this replica's memory is made of. The rest (denials above all) are only counted:
 * parsing each would cost every review the CPU of a second reader. Admissions are read for the usage
 * index (the usage check's `_id` lookups), only past what MongoDB already held at start.
 */
const DOMAIN_TYPES = new Set<string>([
  ...PERMISSION_CHANGES,
  ...VOLUME_LIFECYCLE,
  VolumeEvents.deleted.type,
  SharingEvents.shared.type,
  SharingEvents.unshared.type,
  AdmissionEvents.bindingCreated.type,
  AdmissionEvents.bindingRemoved.type,
  AdmissionEvents.admitted.type,
]);
const WORKLOAD_RELEASES = new Set<string>([WorkloadEvents.finished.type, WorkloadEvents.deleted.type]);
/** The durable consumer that records usage (its ack floor: every admission up to there is in MongoDB). */
const USAGE_CONSUMER = 'workload-admission';

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
    private readonly usages: UsageRecords,
  ) {}

  get ready(): boolean {
    // Not while a follower catches up again after a NATS restart.
    return this.caughtUp && this.followers.every((f) => f.following);
  }

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    // The usage index: the records in MongoDB up to the usage consumer's ack floor, then the admitted
    // events after it (read only past the floor: one per review, not worth parsing twice).
    const usageFloor = await this.usageFloor();
    const indexed = await this.usages.indexRecordsInUse();
    this.followers.push(
      ...(await followStreamsUntilCaughtUp(
        this.nc,
        [
          {
            stream: STREAMS.platform.name,
            subject: 'platform.evt.>',
            startSeq: 1,
            apply: (envelope, seq) => {
              if (WORKLOAD_RELEASES.has(envelope.type)) {
                this.state.usage.release(releaseKeys(WorkloadEvents.deleted.data.parse(envelope.data)), Date.parse(envelope.time));
                return;
              }
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
            include: (type, seq) => type !== AdmissionEvents.admitted.type || seq > usageFloor,
            startSeq: 1,
            apply: (envelope) => this.applyDomainEvent(envelope),
            applied: (seq) => this.state.revisions.markApplied('events', seq),
          },
        ],
        this.config.ADMISSION_CATCH_UP_MS,
      )),
    );
    this.caughtUp = true;
    this.logger.log(
      `replayed ${this.state.volumes.size} volumes, ${this.state.bindings.size} bindings, ${this.state.tree.count()} scopes and ${this.state.usage.size} workloads' usage (${indexed} records in use, admissions after #${usageFloor}) in ${Date.now() - started} ms`,
    );
  }

  /** Every admitted event up to this sequence has its usage record in MongoDB (0: none known, or no consumer yet). */
  private async usageFloor(): Promise<number> {
    const jsm = await jetstreamManager(this.nc);
    try {
      return (await jsm.consumers.info(STREAMS.domain.name, USAGE_CONSUMER)).ack_floor.stream_seq;
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return 0;
      throw error;
    }
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
    } else if (envelope.type === AdmissionEvents.admitted.type) {
      const admitted = AdmissionEvents.admitted.data.parse(envelope.data);
      this.state.usage.add(
        admitted.dataVolumes.map((m) => m.id),
        { key: usageKey(admitted.workload, admitted.reviewId), reviewId: admitted.reviewId, admittedAtMs: Date.parse(envelope.time) },
      );
    } else if (envelope.type === AdmissionEvents.bindingCreated.type) {
      this.state.bindings.add(AdmissionEvents.bindingCreated.data.parse(envelope.data));
    } else if (envelope.type === AdmissionEvents.bindingRemoved.type) {
      const removed = AdmissionEvents.bindingRemoved.data.parse(envelope.data);
      this.state.bindings.remove(removed.volumeId, removed.namespace);
    }
  }
}
