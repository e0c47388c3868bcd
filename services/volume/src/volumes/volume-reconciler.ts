import { DvError, type DataVolumeStatus, VolumeEvents } from '@dv/contracts';
import { type EventsOf, type OutboxRelay } from '@dv/persistence';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type CopyTarget, isKubeUnreachable } from '@dv/kube';
import { VolumeKube } from '../kube/volume-kube';
import { LiveProjects } from '../projects/live-projects';
import { ProjectRepository } from '../projects/project.repository';
import { type Failpoints } from '@dv/runtime';
import { type Counter, MetricsRegistry } from '@dv/telemetry';
import { VOLUME_CONFIG, type VolumeConfig, type VolumeFailpoint } from '../config/volume-config';
import { FAILPOINTS, VOLUME_RELAY } from '../tokens';
import { type RetryPolicy, scheduleAfter, retryPolicyOf } from './reconcile-schedule';
import { type ObservedCondition, mergeConditions, sameStatus } from './status-conditions';
import { SYSTEM, VolumeEventFactory } from './volume-event-factory';
import { type VolumeDoc } from './volume.model';
import { VolumeRepository } from './volume.repository';

interface Observation {
  ready: boolean;
  phaseMessage?: string;
  conditions: ObservedCondition[];
}

/** The API server could not be asked (unreachable, failing itself): nothing was learned about the volume. */
interface Unobserved {
  unreachable: string;
}

/**
 * Makes the cluster match what a volume's record says, idempotently (any replica, any number of
 * times, after any crash): the desired state is recorded first, then this creates what is missing
 * (a 409 on an object of ours is success), records conditions, and moves the phase (Creating →
 * Ready, or NotReady with a message), each change with its event. Deleting releases the objects it
 * made (never the origin's), then writes the deleted event and removes the record.
 */
@Injectable()
export class VolumeReconciler implements OnModuleDestroy {
  private readonly logger = new Logger('VolumeReconciler');
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly policy: RetryPolicy;
  /** Every attempt's outcome: `ok` (observed and recorded), `unreachable` (the API server could not be asked), `error` (failed, retried later). */
  private readonly attempts: Counter<'outcome'>;

  constructor(
    private readonly volumes: VolumeRepository,
    @Inject(VOLUME_RELAY) private readonly relay: OutboxRelay<VolumeDoc>,
    @Inject(VOLUME_CONFIG) config: VolumeConfig,
    private readonly kube: VolumeKube,
    private readonly projects: ProjectRepository,
    private readonly live: LiveProjects,
    private readonly events: VolumeEventFactory,
    @Inject(FAILPOINTS) private readonly failpoints: Failpoints<VolumeFailpoint>,
    metrics: MetricsRegistry,
  ) {
    this.policy = retryPolicyOf(config);
    this.attempts = metrics.counter({
      name: 'dv_volume_reconciles_total',
      help: 'Reconcile attempts of data volumes, by outcome: ok, unreachable (the Kubernetes API server could not be asked), error.',
      labelNames: ['outcome'],
    });
  }

  /**
   * Destroy hook (after the transport has answered every request): the reconciles still running (a
   * create's or a delete's, started after its answer) finish, their events flushed, before NATS drains.
   */
  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  /** Reconciles one volume; concurrent calls for the same volume in this process run one after the other. Never throws. */
  reconcile(id: string): Promise<void> {
    const current = this.running.get(id);
    if (current) {
      this.again.add(id);
      return current;
    }
    const run = (async () => {
      do {
        this.again.delete(id);
        await this.once(id).then(
          (outcome) => this.attempts.inc({ outcome }),
          (error: unknown) => {
            this.attempts.inc({ outcome: 'error' });
            this.logger.warn(`reconciling volume ${id} failed (retried later): ${error instanceof Error ? error.message : String(error)}`);
          },
        );
      } while (this.again.has(id));
    })().finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  private async once(id: string): Promise<'ok' | 'unreachable'> {
    const doc = await this.volumes.read(id);
    if (!doc) return 'ok';
    if (doc.status.phase === 'Deleting') {
      await this.release(doc);
      return 'ok';
    }
    const observed = await this.observe(doc);
    if ('unreachable' in observed) {
      await this.retryLater(doc, observed.unreachable);
      return 'unreachable';
    }
    await this.record(doc, observed);
    return 'ok';
  }

  /**
   * An unreachable API server is no evidence that a PV or PVC is gone: the volume keeps its status
   * (a Ready volume stays Ready) and is tried again with the back-off of a failed attempt.
   */
  private async retryLater(doc: VolumeDoc, reason: string): Promise<void> {
    const schedule = scheduleAfter(false, doc.attempts ?? 0, Date.now(), this.policy);
    this.logger.warn(
      `volume ${doc._id} (${doc.name}): the Kubernetes API server cannot be asked (${reason}); status kept, next attempt at ${schedule.nextAttemptAt}`,
    );
    await this.volumes.reschedule(doc._id, doc.version, schedule);
  }

  private target(doc: VolumeDoc): CopyTarget {
    return {
      volumeId: doc._id,
      storage: doc.storage,
      namespace: doc.namespace,
      pvName: doc.status.datavolumePvName ?? '',
      pvcName: doc.status.datavolumePvcName ?? '',
    };
  }

  private async observe(doc: VolumeDoc): Promise<Observation | Unobserved> {
    // Gone when the projection says so, or when this replica's org tree no longer has it live (deleted,
    // or under a deleted department, cluster or tenant).
    const project = await this.projects.find(doc.projectId);
    if (project?.deleted === true || !this.live.isLive(doc.projectId)) {
      const message = `project '${doc.projectName}' was deleted`;
      return { ready: false, phaseMessage: message, conditions: [{ type: 'ProjectAvailable', status: 'False', reason: 'ProjectDeleted', message }] };
    }
    const conditions: ObservedCondition[] = [{ type: 'ProjectAvailable', status: 'True' }];
    if (doc.useOriginalVolume) {
      try {
        await this.kube.inspectOrigin(doc.namespace, doc.originPvcName, doc.projectId);
        conditions.push({ type: 'OriginAvailable', status: 'True' });
        return { ready: true, conditions };
      } catch (error) {
        if (isKubeUnreachable(error)) return { unreachable: messageOf(error) };
        const message = messageOf(error);
        conditions.push({ type: 'OriginAvailable', status: 'False', reason: 'OriginPvcNotUsable', message });
        return { ready: false, phaseMessage: `Origin pvc '${doc.originPvcName}' of project '${doc.projectName}' is not usable: ${message}`, conditions };
      }
    }
    // The copy shows the origin PV's data: once that PV is bound to another claim, it is not this volume's data any more.
    const rebound = await this.kube.originRebound(doc.namespace, doc.originPvcName, doc.storage.originPvName);
    if (rebound) {
      conditions.push({ type: 'OriginAvailable', status: 'False', reason: 'OriginPvcNotUsable', message: rebound });
      return { ready: false, phaseMessage: `Origin pvc '${doc.originPvcName}' of project '${doc.projectName}' is not usable: ${rebound}`, conditions };
    }
    if (doc.status.conditions.some((c) => c.type === 'OriginAvailable')) conditions.push({ type: 'OriginAvailable', status: 'True' });
    const target = this.target(doc);
    let made: 'created' | 'exists';
    try {
      made = await this.kube.ensurePvCopy(target);
      conditions.push({ type: 'PvCopyCreated', status: 'True' });
    } catch (error) {
      if (isKubeUnreachable(error)) return { unreachable: messageOf(error) };
      const cause = messageOf(error);
      conditions.push({ type: 'PvCopyCreated', status: 'False', reason: 'ErrorCreatingPv', message: `Failed to create pv '${target.pvName}': ${cause}` });
      return { ready: false, phaseMessage: `Failed to copy pvc to project '${doc.projectName}': ${cause}`, conditions };
    }
    if (made === 'created') this.failpoints.hit('crash-after-pv-copy');
    try {
      await this.kube.ensurePvcCopy(target);
      conditions.push({ type: 'PvcsCreated', status: 'True' });
      return { ready: true, conditions };
    } catch (error) {
      if (isKubeUnreachable(error)) return { unreachable: messageOf(error) };
      const cause = messageOf(error);
      conditions.push({
        type: 'PvcsCreated',
        status: 'False',
        reason: 'ErrorCreatingPvc',
        message: `Failed to create pvc in namespace '${target.namespace}': ${cause}`,
      });
      return { ready: false, phaseMessage: `Failed to copy pvc to project '${doc.projectName}': ${cause}`, conditions };
    }
  }

  /**
   * Records an observation: a changed status with its event (ready or not-ready) in one
   * version-guarded write; either way the schedule moves (Ready: the next drift check; otherwise a
   * longer back-off for every attempt in a row that failed).
   */
  private async record(doc: VolumeDoc, observed: Observation): Promise<void> {
    const now = new Date().toISOString();
    const schedule = scheduleAfter(observed.ready, doc.attempts ?? 0, Date.now(), this.policy);
    const status: DataVolumeStatus = {
      phase: observed.ready ? 'Ready' : 'NotReady',
      conditions: mergeConditions(doc.status.conditions, observed.conditions, now),
    };
    if (!observed.ready && observed.phaseMessage !== undefined) status.phaseMessage = observed.phaseMessage;
    if (doc.status.datavolumePvcName !== undefined) status.datavolumePvcName = doc.status.datavolumePvcName;
    if (doc.status.datavolumePvName !== undefined) status.datavolumePvName = doc.status.datavolumePvName;
    if (sameStatus(doc.status, status)) {
      // Only the schedule: the reconciler's own bookkeeping, not part of the volume (no event).
      await this.volumes.reschedule(doc._id, doc.version, schedule);
      return;
    }
    const { outbox: _outbox, version: _version, ...rest } = doc;
    const def = observed.ready ? VolumeEvents.ready : VolumeEvents.notReady;
    if (!(await this.write(doc, { status, ...schedule }, this.events.of(def, { ...rest, status }, SYSTEM)))) return;
    if (status.phase !== doc.status.phase)
      this.logger.log(`volume ${doc._id} (${doc.name}): ${doc.status.phase} → ${status.phase}${status.phaseMessage ? `: ${status.phaseMessage}` : ''}`);
    await this.relay.flush(doc._id);
  }

  /** A version-guarded write with its events; false when someone changed the volume meanwhile (a delete, a patch, another replica): the next round sees it. */
  private async write(doc: VolumeDoc, set: Partial<VolumeDoc>, events: EventsOf): Promise<boolean> {
    try {
      await this.volumes.update(doc._id, doc.version, { $set: set }, events);
      return true;
    } catch (error) {
      if (error instanceof DvError && (error.code === 'CONFLICT' || error.code === 'NOT_FOUND')) return false;
      throw error;
    }
  }

  private async release(doc: VolumeDoc): Promise<void> {
    if (!doc.useOriginalVolume) {
      try {
        await this.kube.releaseCopies(this.target(doc));
      } catch (error) {
        const message = `Failed to release the pv copy and pvc: ${messageOf(error)}`;
        const status: DataVolumeStatus = {
          ...doc.status,
          phaseMessage: message,
          conditions: mergeConditions(
            doc.status.conditions,
            [{ type: 'Released', status: 'False', reason: 'ErrorReleasing', message }],
            new Date().toISOString(),
          ),
        };
        const schedule = scheduleAfter(false, doc.attempts ?? 0, Date.now(), this.policy);
        if (sameStatus(doc.status, status)) {
          await this.volumes.reschedule(doc._id, doc.version, schedule);
        } else {
          // Still Deleting, with the reason it is stuck: an updated event, so every read model shows it.
          const { outbox: _outbox, version: _version, ...rest } = doc;
          if (await this.write(doc, { status, ...schedule }, this.events.of(VolumeEvents.updated, { ...rest, status }, SYSTEM)))
            await this.relay.flush(doc._id);
        }
        throw DvError.unavailable(message);
      }
    }
    let version = doc.version;
    if (!doc.purging) {
      const { outbox: _outbox, version: _version, ...rest } = doc;
      const updated = await this.volumes.update(
        doc._id,
        doc.version,
        { $set: { purging: true } },
        this.events.of(VolumeEvents.deleted, { ...rest, purging: true }, SYSTEM),
      );
      version = updated.version;
    }
    // Publish the deleted event before the record goes: a crash in between leaves the record (purging), and the next round finishes.
    await this.relay.flush(doc._id);
    await this.volumes.delete(doc._id, version);
    this.logger.log(`volume ${doc._id} (${doc.name}) deleted`);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
