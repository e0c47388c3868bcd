import { AdmissionEvents, type Binding, DvError, type Revision } from '@dv/contracts';
import { type CopyTarget, type KubeClients, VolumeCopies, copyNames } from '@dv/kube';
import { EventPublisher } from '@dv/messaging';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Model } from 'mongoose';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { AdmissionState } from '../state/admission-state';
import { AdmissionMetrics } from '../review/admission-metrics';
import { type VolumeView } from '../state/volume-directory';
import { BINDING_MODEL, KUBE_CLIENTS, USAGE_MODEL } from '../tokens';
import { type UsageDoc } from '../usage/usage.model';
import { type BindingDoc, bindingKey } from './binding.model';

export const MANAGED_BY_ADMISSION = 'dv-workload-admission';
const SERVICE_ACTOR = { id: 'workload-admission', type: 'system' } as const;

/**
 * Bindings: a volume's PV copy and a PVC bound to it in each consuming namespace, made the first time
 * a workload there is admitted with the volume and reused after; removed when nothing there uses the
 * volume and it is no longer usable there (unshared, or the volume is being deleted). In the origin
 * namespace the volume's own PVC is used and nothing is made.
 */
@Injectable()
export class BindingManager {
  private readonly logger = new Logger('Bindings');
  private readonly copies: VolumeCopies;

  constructor(
    private readonly state: AdmissionState,
    private readonly publisher: EventPublisher,
    @Inject(KUBE_CLIENTS) kube: KubeClients,
    @Inject(BINDING_MODEL) private readonly bindings: Model<BindingDoc>,
    @Inject(USAGE_MODEL) private readonly usages: Model<UsageDoc>,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
    private readonly metrics: AdmissionMetrics,
  ) {
    this.copies = new VolumeCopies(kube.core);
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
   * copy and PVC (idempotent: deterministic names, 409 on our own object is success) and announce it.
   * A failure undoes what this attempt made, so no half-made binding stays behind.
   */
  async ensure(volume: VolumeView, namespace: string, projectId: string, requestId: string): Promise<Binding> {
    const planned = this.planned(volume, namespace);
    if (!planned) throw DvError.precondition(`data volume ${volume.name} has no PVC yet in its own namespace`, { volumeId: volume.id });
    if (namespace === volume.namespace || this.state.bindings.get(volume.id, namespace)) return planned;
    const pvName = planned.pvName ?? '';
    const _id = bindingKey(volume.id, namespace);
    const doc = await this.bindings
      .findOneAndUpdate(
        { _id },
        { $setOnInsert: { _id, volumeId: volume.id, namespace, projectId, pvName, pvcName: planned.pvcName, state: 'Creating', createdAt: new Date() } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean<BindingDoc>()
      .exec();
    const target: CopyTarget = { volumeId: volume.id, storage: volume.storage, namespace, pvName, pvcName: planned.pvcName, managedBy: MANAGED_BY_ADMISSION };
    try {
      const pv = await this.copies.ensurePv(target);
      if (pv === 'created' && this.config.ADMISSION_FAILPOINT === 'crash-after-pv-copy') {
        this.logger.warn('failpoint crash-after-pv-copy: killing the process');
        process.kill(process.pid, 'SIGKILL');
      }
      await this.copies.ensurePvc(target);
    } catch (error) {
      if (doc.state === 'Creating') {
        await this.copies.release(target).then(
          () => this.bindings.deleteOne({ _id, state: 'Creating' }).exec(),
          (e: unknown) => this.logger.warn(`could not undo the half-made binding ${_id}: ${e instanceof Error ? e.message : String(e)}`),
        );
      }
      throw error;
    }
    await this.publisher.publish(AdmissionEvents.bindingCreated, planned, {
      actor: SERVICE_ACTOR,
      subject: _id,
      requestId,
      // One event per binding's life: a retry after a crash is stored once.
      id: `binding-created:${_id}:${doc.createdAt.getTime()}`,
    });
    await this.bindings.updateOne({ _id }, { $set: { state: 'Bound' } }).exec();
    this.state.bindings.add(planned);
    this.metrics.bindings.inc({ action: 'created' });
    return planned;
  }

  /**
   * Removes the volume's bindings nothing uses where the volume is no longer usable (or at all, when
   * the volume is being deleted). Idempotent: run it again after any crash.
   */
  async collect(volumeId: string, atLeast: Revision): Promise<number> {
    await this.state.revisions.waitFor(atLeast, this.config.ADMISSION_CALL_TIMEOUT_MS);
    const docs = await this.bindings.find({ volumeId }).lean<BindingDoc[]>().exec();
    let removed = 0;
    for (const doc of docs) {
      const used = await this.usages.exists({ volumeIds: volumeId, namespace: doc.namespace }).exec();
      if (used) continue;
      const volume = this.state.volumes.get(volumeId);
      const deleting = !volume || volume.phase === 'Deleting';
      if (!deleting && this.usableThere(volumeId, doc.namespace)) continue;
      await this.copies.release({ volumeId, namespace: doc.namespace, pvName: doc.pvName, pvcName: doc.pvcName });
      await this.publisher.publish(
        AdmissionEvents.bindingRemoved,
        { volumeId, namespace: doc.namespace, pvcName: doc.pvcName, pvName: doc.pvName, reason: deleting ? 'volume-deleted' : 'unshared' },
        { actor: SERVICE_ACTOR, subject: doc._id, id: `binding-removed:${doc._id}:${doc.createdAt.getTime()}` },
      );
      await this.bindings.deleteOne({ _id: doc._id }).exec();
      this.state.bindings.remove(volumeId, doc.namespace);
      this.metrics.bindings.inc({ action: 'removed' });
      removed++;
    }
    return removed;
  }

  private usableThere(volumeId: string, namespace: string): boolean {
    const projectId = this.state.projectOfNamespace(namespace);
    return projectId ? this.state.sharing.resolve(volumeId, projectId).usable : false;
  }
}
