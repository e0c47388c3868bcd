import { AdmissionEvents, AuthzEvents, type EventEnvelope, WorkloadEvents } from '@dv/contracts';
import { NATS_CONNECTION, type ProjectionFeed, StreamProjection, type AppliedRevision } from '@dv/messaging';
import { SCOPE_EVENT_TYPES, VOLUME_VIEW_EVENTS, applyScopeEvent, volumeViewEventOf } from '@dv/org';
import { MetricsRegistry } from '@dv/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import { type NatsConnection } from '@nats-io/nats-core';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { releaseKeys, usageKey } from '../usage/usage-key';
import { UsageRecords } from '../usage/usage-records';
import { AdmissionState } from './admission-state';

/** What can change authz's answers (besides scopes): cached answers are asked again after any of them. */
const PERMISSION_CHANGES = new Set<string>([AuthzEvents.accessRuleCreated.type, AuthzEvents.accessRuleDeleted.type]);
/**
 * The domain events this replica's memory is made of. The rest (denials above all) are only counted:
 * parsing each would cost every review the CPU of a second reader. Admissions are read for the usage
 * index (the usage check's `_id` lookups), only past what MongoDB already held at start.
 */
const DOMAIN_TYPES = new Set<string>([
  ...PERMISSION_CHANGES,
  ...VOLUME_VIEW_EVENTS,
  AdmissionEvents.bindingCreated.type,
  AdmissionEvents.bindingRemoved.type,
  AdmissionEvents.admitted.type,
]);
const WORKLOAD_RELEASES = new Set<string>([WorkloadEvents.finished.type, WorkloadEvents.deleted.type]);
/** The platform events read: the scopes, and the workloads' releases. */
const PLATFORM_TYPES = new Set<string>([...SCOPE_EVENT_TYPES, ...WORKLOAD_RELEASES]);
/** The durable consumer that records usage (its ack floor: every admission up to there is in MongoDB). */
const USAGE_CONSUMER = 'workload-admission';

/**
 * Keeps this replica's memory current by following, in order, the org events and the domain events
 * (volumes, sharing lists, bindings, admissions) from the start of their streams. Every apply is
 * version-guarded or idempotent. Readiness and start-up: StreamProjection.
 */
@Injectable()
export class AdmissionSync extends StreamProjection {
  private indexed = 0;

  constructor(
    private readonly state: AdmissionState,
    @Inject(NATS_CONNECTION) nc: NatsConnection,
    @Inject(ADMISSION_CONFIG) config: AdmissionConfig,
    private readonly usages: UsageRecords,
    metrics: MetricsRegistry,
  ) {
    super(nc, { service: 'workload-admission', revisions: state.revisions, catchUpMs: config.ADMISSION_CATCH_UP_MS, metrics });
  }

  protected async feeds(_heads: AppliedRevision): Promise<readonly ProjectionFeed[]> {
    // The usage index: the records in MongoDB up to the usage consumer's ack floor, then the admitted
    // events after it (read only past the floor: one per review, not worth parsing twice).
    const usageFloor = await this.ackFloor('events', USAGE_CONSUMER);
    this.indexed = await this.usages.indexRecordsInUse();
    return [
      { stream: 'platform', types: PLATFORM_TYPES, apply: (envelope, seq) => this.applyPlatformEvent(envelope, seq) },
      {
        stream: 'events',
        types: DOMAIN_TYPES,
        include: (type, seq) => type !== AdmissionEvents.admitted.type || seq > usageFloor,
        apply: (envelope) => this.applyDomainEvent(envelope),
      },
    ];
  }

  protected sizes(): Record<string, number> {
    return {
      volumes: this.state.volumes.size,
      tombstones: this.state.volumes.tombstones,
      bindings: this.state.bindings.size,
      scopes: this.state.tree.count(),
      'workloads using volumes': this.state.usage.size,
      'usage records in use at start': this.indexed,
    };
  }

  private applyPlatformEvent(envelope: EventEnvelope, seq: number): void {
    if (WORKLOAD_RELEASES.has(envelope.type)) {
      this.state.usage.release(releaseKeys(WorkloadEvents.deleted.data.parse(envelope.data)), Date.parse(envelope.time));
      return;
    }
    const change = applyScopeEvent(this.state.tree, envelope, seq);
    if (change) this.state.permissionsGeneration++;
    if (change?.kind === 'upsert' && change.change.type === 'project') this.state.noteProjectNamespace(change.change.id, change.change.namespace);
  }

  private applyDomainEvent(envelope: EventEnvelope): void {
    if (PERMISSION_CHANGES.has(envelope.type)) {
      this.state.permissionsGeneration++;
      return;
    }
    const view = volumeViewEventOf(envelope);
    if (view?.kind === 'volume') {
      this.state.volumes.apply(view.volume, view.deleted, view.at);
      this.state.sharing.apply(view);
    } else if (view?.kind === 'list') {
      this.state.sharing.apply(view);
    } else if (envelope.type === AdmissionEvents.admitted.type) {
      const admitted = AdmissionEvents.admitted.data.parse(envelope.data);
      this.state.usage.add(
        admitted.dataVolumes.map((m) => m.id),
        {
          key: usageKey(admitted.workload, admitted.reviewId),
          reviewId: admitted.reviewId,
          admittedAtMs: Date.parse(envelope.time),
          workload: admitted.workload,
        },
      );
    } else if (envelope.type === AdmissionEvents.bindingCreated.type) {
      this.state.bindings.add(AdmissionEvents.bindingCreated.data.parse(envelope.data));
    } else if (envelope.type === AdmissionEvents.bindingRemoved.type) {
      const removed = AdmissionEvents.bindingRemoved.data.parse(envelope.data);
      this.state.bindings.remove(removed.volumeId, removed.namespace);
    }
  }
}
