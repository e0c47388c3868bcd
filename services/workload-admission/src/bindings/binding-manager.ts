import { AdmissionEvents, type Binding, DvError, type Revision } from '@dv/contracts';
import { type CopyTarget, type KubeClients, VolumeCopies, copyNames } from '@dv/kube';
import { EventPublisher, isTransientError } from '@dv/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Failpoints } from '@dv/runtime';
import { ADMISSION_CONFIG, type AdmissionConfig, type AdmissionFailpoint } from '../config/admission-config';
import { AdmissionState } from '../state/admission-state';
import { AdmissionMetrics } from '../review/admission-metrics';
import { type VolumeView } from '../state/volume-directory';
import { KUBE_CLIENTS } from '../tokens';
import { UsageRecords } from '../usage/usage-records';
import { type BindingDoc, type BindingState, bindingKey } from './binding.model';
import { BindingRepository } from './binding.repository';

export const MANAGED_BY_ADMISSION = 'dv-workload-admission';
const SERVICE_ACTOR = { id: 'workload-admission', type: 'system' } as const;

/**
 * Bindings: a volume's PV copy and a PVC bound to it in each consuming namespace, made the first time
 * a workload there is admitted with the volume and reused after; removed when nothing there uses the
 * volume and it is no longer usable there (unshared, or the volume is being deleted). In the origin
 * namespace the volume's own PVC is used and nothing is made. Every change of a record is
 * conditional on the attempt that read or claimed it (see BindingDoc); BindingReconciler finishes
 * what a dead replica left.
 */
@Injectable()
export class BindingManager {
  private readonly logger = new Logger('Bindings');
  private readonly copies: VolumeCopies;
  /** Ensures under way in this replica, by binding key: concurrent reviews share one. */
  private readonly inFlight = new Map<string, Promise<Binding>>();
  private readonly failpoints: Failpoints<AdmissionFailpoint>;

  constructor(
    private readonly state: AdmissionState,
    private readonly publisher: EventPublisher,
    @Inject(KUBE_CLIENTS) kube: KubeClients,
    /** Every change of a binding record is a guarded one (decision 0012). */
    private readonly store: BindingRepository,
    private readonly usages: UsageRecords,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
    private readonly metrics: AdmissionMetrics,
  ) {
    this.copies = new VolumeCopies(kube.core);
    this.failpoints = new Failpoints(config.ADMISSION_FAILPOINT);
  }

  /** The binding a workload in `namespace` mounts, as it will be once ensured (no Kubernetes call). */
  planned(volume: VolumeView, namespace: string): Binding | undefined {
    if (namespace === volume.namespace) return volume.ownPvcName ? { volumeId: volume.id, namespace, pvcName: volume.ownPvcName } : undefined;
    const known = this.state.bindings.get(volume.id, namespace);
    if (known) return known;
    const names = copyNames(volume.id, volume.name, namespace);
    return { volumeId: volume.id, namespace, pvcName: names.pvcName, pvName: names.pvName };
  }

  /**
   * Makes sure the binding exists: nothing to do when it is known; otherwise record it, make the PV
   * copy and PVC (idempotent: deterministic names, 409 on our own object is success), mark it Bound
   * and announce it. A failure undoes what this attempt made, unless another attempt owns the record
   * (it, or the reconciler, finishes or undoes it), so no half-made binding stays behind.
   * Concurrent reviews needing the same new binding share it: in this replica they wait for one
   * attempt; across replicas the record's key decides who makes it and the others wait for it.
   */
  async ensure(volume: VolumeView, namespace: string, projectId: string, requestId: string): Promise<Binding> {
    const planned = this.planned(volume, namespace);
    if (!planned) throw DvError.precondition(`data volume ${volume.name} has no PVC yet in its own namespace`, { volumeId: volume.id });
    if (namespace === volume.namespace || this.state.bindings.get(volume.id, namespace)) return planned;
    const _id = bindingKey(volume.id, namespace);
    const pending = this.inFlight.get(_id);
    if (pending) return pending;
    const run = this.ensureRecorded(_id, volume, planned, projectId, requestId, true).finally(() => this.inFlight.delete(_id));
    this.inFlight.set(_id, run);
    return run;
  }

  private async ensureRecorded(_id: string, volume: VolumeView, planned: Binding, projectId: string, requestId: string, mayRetry: boolean): Promise<Binding> {
    const namespace = planned.namespace;
    const attempt = randomUUID();
    let doc = await this.record(_id, volume, planned, projectId, attempt);
    const heldByAnother =
      doc.state === 'Creating' && doc.attempt !== attempt && Date.now() - new Date(doc.updatedAt).getTime() < this.config.ADMISSION_BINDING_LEASE_MS;
    if (heldByAnother) {
      // Another replica is making it: making it too could recreate what that attempt undoes when it
      // fails, so wait for it to settle; a record that stays Creating (or whose lease ran out: its
      // maker died) is joined as before.
      const settled = await this.settledByOther(doc);
      if (!settled) {
        if (mayRetry) return this.ensureRecorded(_id, volume, planned, projectId, requestId, false);
        throw DvError.unavailable(`the binding of data volume ${volume.name} in namespace ${namespace} was undone meanwhile; try again`, {
          volumeId: volume.id,
        });
      }
      doc = settled;
    }
    if (doc.state === 'Releasing')
      throw DvError.unavailable(`the binding of data volume ${volume.name} in namespace ${namespace} is being removed; try again`, { volumeId: volume.id });
    if (doc.state === 'Bound') return this.bound(doc, requestId);
    try {
      await this.make(doc, volume);
    } catch (error) {
      // The API server away: undoing would need it too. The record stays Creating for the next review
      // (which finishes it: the same attempt's names) or the reconciler (after the lease), as after a crash.
      const undo = doc.state === 'Creating' && doc.attempt === attempt && !isTransientError(error);
      if (undo) await this.undo(doc).catch((e: unknown) => this.logger.warn(`could not undo the half-made binding ${_id}: ${messageOf(e)}`));
      throw error;
    }
    return this.bound(doc, requestId);
  }

  /** The binding's record: inserted as Creating by this attempt, or the one that is there (an upsert racing another is a duplicate key). */
  private async record(_id: string, volume: VolumeView, planned: Binding, projectId: string, attempt: string): Promise<BindingDoc> {
    const now = new Date();
    const insert: BindingDoc = {
      _id,
      volumeId: volume.id,
      namespace: planned.namespace,
      projectId,
      pvName: planned.pvName ?? '',
      pvcName: planned.pvcName,
      state: 'Creating',
      attempt,
      createdAt: now,
      updatedAt: now,
    };
    for (let tries = 0; ; tries++) {
      try {
        return await this.store.insert(insert);
      } catch (error) {
        if (!(error instanceof DvError && error.code === 'CONFLICT')) throw error;
        const existing = await this.store.read(_id);
        if (existing) return existing;
        // Inserted and removed again in between: try once more.
        if (tries >= 2) throw DvError.unavailable(`the binding ${_id} keeps changing; try again`);
      }
    }
  }

  /**
   * Waits (at most ADMISSION_CALL_TIMEOUT_MS) while another attempt holds the record as Creating.
   * The record as it ends up, the same record when that attempt does not settle in time, or
   * undefined when it was undone.
   */
  private async settledByOther(doc: BindingDoc): Promise<BindingDoc | undefined> {
    const deadline = Date.now() + this.config.ADMISSION_CALL_TIMEOUT_MS;
    let delay = 20;
    let current = doc;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 200);
      const now = await this.store.read(doc._id);
      if (!now) return undefined;
      if (now.state !== 'Creating') return now;
      current = now;
    }
    return current;
  }

  /** Makes the PV copy and the PVC (either may exist already). */
  async make(doc: BindingDoc, volume: VolumeView): Promise<void> {
    const target: CopyTarget = {
      volumeId: doc.volumeId,
      storage: volume.storage,
      namespace: doc.namespace,
      pvName: doc.pvName,
      pvcName: doc.pvcName,
      managedBy: MANAGED_BY_ADMISSION,
    };
    const pv = await this.copies.ensurePv(target);
    if (pv === 'created') this.failpoints.hit('crash-after-pv-copy');
    await this.copies.ensurePvc(target);
  }

  /**
   * Marks a made binding Bound (only while `doc.attempt` still holds it: a binding another replica
   * started removing is not reported as made), announces it and learns it.
   */
  async bound(doc: BindingDoc, requestId: string | undefined): Promise<Binding> {
    if (doc.state !== 'Bound') {
      const marked = await this.store
        .change(doc._id, (current) =>
          current.state === 'Creating' && current.attempt === doc.attempt ? { ...current, state: 'Bound', updatedAt: new Date() } : null,
        )
        .catch((error: unknown) => {
          if (error instanceof DvError && error.code === 'NOT_FOUND') return null;
          throw error;
        });
      if (marked) {
        this.metrics.bindings.inc({ action: 'created' });
      } else {
        const now = await this.store.read(doc._id);
        if (now?.state !== 'Bound') throw DvError.unavailable(`the binding ${doc._id} was taken over or removed meanwhile; try again`);
      }
    }
    const binding: Binding = { volumeId: doc.volumeId, namespace: doc.namespace, pvcName: doc.pvcName, pvName: doc.pvName };
    await this.publisher.publish(AdmissionEvents.bindingCreated, binding, {
      actor: SERVICE_ACTOR,
      subject: doc._id,
      ...(requestId ? { requestId } : {}),
      // One event per binding's life: a retry after a crash is stored once.
      id: `binding-created:${doc._id}:${doc.createdAt.getTime()}`,
    });
    this.state.bindings.add(binding);
    return binding;
  }

  /**
   * Removes the volume's bindings nothing uses where the volume is no longer usable (or at all, when
   * the volume is being deleted). Idempotent: run it again after any crash. A binding still being
   * made, or being removed by someone else, is left to them (and to the reconciler).
   */
  async collect(volumeId: string, atLeast: Revision): Promise<number> {
    await this.state.revisions.waitFor(atLeast, this.config.ADMISSION_CALL_TIMEOUT_MS);
    const docs = await this.store.ofVolume(volumeId);
    let removed = 0;
    for (const doc of docs) {
      if (doc.state !== 'Bound') continue;
      if (await this.usages.anyIn(volumeId, doc.namespace)) continue;
      const volume = this.state.volumes.get(volumeId);
      const deleting = !volume || volume.phase === 'Deleting';
      if (!deleting && this.usableThere(volumeId, doc.namespace)) continue;
      const claimed = await this.claim(doc, 'Releasing');
      if (claimed && (await this.release(claimed, deleting ? 'volume-deleted' : 'unshared', true))) removed++;
    }
    return removed;
  }

  /** Takes a record over for a new attempt (moving it to `state`), only if nobody changed it since it was read. */
  async claim(doc: BindingDoc, state: BindingState): Promise<BindingDoc | undefined> {
    const next = { state, attempt: randomUUID(), updatedAt: new Date() };
    try {
      // A guarded change: the store's own conditional update is a read-then-write on FerretDB, and two replicas would both take the record over.
      const taken = await this.store.change(doc._id, (current) =>
        current.state === doc.state && current.attempt === doc.attempt ? { ...current, ...next } : null,
      );
      return taken ?? undefined;
    } catch (error) {
      if (error instanceof DvError && error.code === 'NOT_FOUND') return undefined;
      throw error;
    }
  }

  /**
   * Deletes the PVC and PV copy of a record this attempt holds as Releasing, announces the removal
   * when the binding had been announced (or `wasBound`), and deletes the record.
   */
  async release(doc: BindingDoc, reason: 'unshared' | 'volume-deleted', wasBound: boolean): Promise<boolean> {
    await this.copies.release({ volumeId: doc.volumeId, namespace: doc.namespace, pvName: doc.pvName, pvcName: doc.pvcName });
    if (wasBound || this.state.bindings.get(doc.volumeId, doc.namespace)) {
      await this.publisher.publish(
        AdmissionEvents.bindingRemoved,
        { volumeId: doc.volumeId, namespace: doc.namespace, pvcName: doc.pvcName, pvName: doc.pvName, reason },
        { actor: SERVICE_ACTOR, subject: doc._id, id: `binding-removed:${doc._id}:${doc.createdAt.getTime()}` },
      );
      this.metrics.bindings.inc({ action: 'removed' });
    }
    const deleted = await this.store
      .remove(doc._id, (current) => current.state === 'Releasing' && current.attempt === doc.attempt)
      .catch((error: unknown) => {
        if (error instanceof DvError && error.code === 'NOT_FOUND') return false;
        throw error;
      });
    this.state.bindings.remove(doc.volumeId, doc.namespace);
    return deleted;
  }

  /** True when the volume may be used in the namespace's project. */
  usableThere(volumeId: string, namespace: string): boolean {
    const projectId = this.state.projectOfNamespace(namespace);
    return projectId ? this.state.sharing.resolve(volumeId, projectId).usable : false;
  }

  /** Undoes a binding this attempt was making: claimed first, so a replica finishing it meanwhile keeps it. */
  private async undo(doc: BindingDoc): Promise<void> {
    const claimed = await this.claim(doc, 'Releasing');
    if (claimed) await this.release(claimed, 'unshared', false);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
