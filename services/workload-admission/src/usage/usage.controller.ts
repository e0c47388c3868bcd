import { AdmissionEvents, AdmissionRpc, AuthzRpc, DvError, type EventData, type RpcReplyInput, type RpcRequest, SharingEvents, VolumeEvents, VolumeUsageRpc, WorkloadEvents } from '@dv/contracts';
import { EventHandler, type EventHandlingContext, type RpcCallContext, RpcClient, RpcHandler } from '@dv/messaging';
import { insertOnce } from '@dv/persistence';
import { Controller, Inject } from '@nestjs/common';
import { type Model } from 'mongoose';
import { type BindingDoc } from '../bindings/binding.model';
import { BindingManager } from '../bindings/binding-manager';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { AdmissionState } from '../state/admission-state';
import { BINDING_MODEL, USAGE_MODEL } from '../tokens';
import { type UsageDoc } from './usage.model';

const SERVICE_IDENTITY = { subjectId: 'workload-admission', subjectType: 'service-account' } as const;
/** The most workloads one usage answer names (the volume service's contract caps it at 100). */
const MAX_LISTED = 100;

/**
 * Usage: which workloads use which volume. Recorded from the admitted events (one durable consumer
 * shared by the replicas; upserts keyed by the workload, so a redelivery changes nothing), released by
 * the platform's workload finished/deleted events; a release, an unshare or a volume deletion lets
 * the binding collector remove bindings nobody uses.
 */
@Controller()
export class UsageController {
  constructor(
    private readonly state: AdmissionState,
    private readonly bindings: BindingManager,
    private readonly rpc: RpcClient,
    @Inject(USAGE_MODEL) private readonly usages: Model<UsageDoc>,
    @Inject(BINDING_MODEL) private readonly bindingDocs: Model<BindingDoc>,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
  ) {}

  @EventHandler(AdmissionEvents.admitted)
  async admitted(data: EventData<typeof AdmissionEvents.admitted>, ctx: EventHandlingContext): Promise<void> {
    const w = data.workload;
    // One record per admission (keyed by the review): an insert, which MongoDB (and FerretDB) answer
    // from the _id index; a redelivery is a duplicate key and changes nothing.
    await insertOnce(this.usages, {
      _id: data.reviewId,
      volumeIds: data.dataVolumes.map((m) => m.id),
      namespace: w.namespace,
      projectId: w.projectId,
      kind: w.kind,
      name: w.name,
      reviewId: data.reviewId,
      admittedAt: new Date(ctx.envelope.time),
      ...(w.apiVersion ? { apiVersion: w.apiVersion } : {}),
      ...(w.workloadId ? { workloadId: w.workloadId } : {}),
    });
  }

  @EventHandler(WorkloadEvents.finished)
  async finished(data: EventData<typeof WorkloadEvents.finished>, _ctx: EventHandlingContext): Promise<void> {
    await this.release(data);
  }

  @EventHandler(WorkloadEvents.deleted)
  async deleted(data: EventData<typeof WorkloadEvents.deleted>, _ctx: EventHandlingContext): Promise<void> {
    await this.release(data);
  }

  @EventHandler(SharingEvents.unshared)
  async unshared(data: EventData<typeof SharingEvents.unshared>, ctx: EventHandlingContext): Promise<void> {
    await this.bindings.collect(data.volumeId, { events: ctx.streamSequence });
  }

  @EventHandler(VolumeEvents.deleting)
  async volumeDeleting(data: EventData<typeof VolumeEvents.deleting>, ctx: EventHandlingContext): Promise<void> {
    await this.bindings.collect(data.volume.id, { events: ctx.streamSequence });
  }

  /** For the volume service's delete check. */
  @RpcHandler(VolumeUsageRpc.usage)
  async volumeUsage(request: RpcRequest<typeof VolumeUsageRpc.usage>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof VolumeUsageRpc.usage>> {
    if (ctx.identity?.subjectType !== 'service-account') throw DvError.forbidden('only the platform services ask this; people use dv.workload-admission.usage');
    const docs = await this.usages.find({ volumeIds: request.volumeId }).sort({ _id: 1 }).limit(MAX_LISTED).lean<UsageDoc[]>().exec();
    return { inUse: docs.length > 0, workloads: docs.map((d) => ({ namespace: d.namespace, name: d.name, kind: d.kind })) };
  }

  /** For data volume administrators: who uses the volume, and where it is bound. Needs data volume read rights in its origin project. */
  @RpcHandler(AdmissionRpc.usage)
  async usage(request: RpcRequest<typeof AdmissionRpc.usage>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AdmissionRpc.usage>> {
    const caller = ctx.identity;
    if (!caller) throw new DvError('UNAUTHENTICATED', 'this request needs the caller identity (dv-identity header)');
    const volume = this.state.volumes.get(request.volumeId);
    if (!volume) throw DvError.notFound(`data volume ${request.volumeId} does not exist`);
    if (caller.subjectType !== 'service-account') {
      if (caller.subjectType === 'group') throw new DvError('UNAUTHENTICATED', 'a group cannot be a caller');
      const decision = await this.rpc.call(
        AuthzRpc.check,
        { subject: { subjectId: caller.subjectId, subjectType: caller.subjectType, groups: caller.groups }, action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: volume.projectId } },
        { identity: SERVICE_IDENTITY, timeoutMs: this.config.ADMISSION_CALL_TIMEOUT_MS },
      );
      if (!decision.allowed) throw DvError.forbidden(decision.message, { action: 'read', resourceType: 'datavolumes', scopeType: 'project', scopeId: volume.projectId });
    }
    const [docs, bindings] = await Promise.all([
      this.usages.find({ volumeIds: request.volumeId }).sort({ _id: 1 }).limit(MAX_LISTED).lean<UsageDoc[]>().exec(),
      this.bindingDocs.find({ volumeId: request.volumeId, state: 'Bound' }).sort({ _id: 1 }).lean<BindingDoc[]>().exec(),
    ]);
    return {
      volumeId: request.volumeId,
      workloads: docs.map((d) => ({
        kind: d.kind,
        name: d.name,
        namespace: d.namespace,
        projectId: d.projectId,
        ...(d.apiVersion ? { apiVersion: d.apiVersion } : {}),
        ...(d.workloadId ? { workloadId: d.workloadId } : {}),
      })),
      bindings: [
        ...(volume.ownPvcName ? [{ volumeId: volume.id, namespace: volume.namespace, pvcName: volume.ownPvcName }] : []),
        ...bindings.map((b) => ({ volumeId: b.volumeId, namespace: b.namespace, pvcName: b.pvcName, pvName: b.pvName })),
      ],
    };
  }

  /** A finished or deleted workload no longer uses its volumes: by the platform's id, else by namespace, kind and name. */
  private async release(ref: EventData<typeof WorkloadEvents.deleted>): Promise<void> {
    const filter = { $or: [{ workloadId: ref.workloadId }, { namespace: ref.namespace, kind: ref.kind, name: ref.name }] };
    const docs = await this.usages.find(filter).lean<UsageDoc[]>().exec();
    if (docs.length === 0) return;
    await this.usages.deleteMany({ _id: { $in: docs.map((d) => d._id) } }).exec();
    const volumeIds = new Set(docs.flatMap((d) => d.volumeIds));
    for (const volumeId of volumeIds) await this.bindings.collect(volumeId, { events: this.state.revisions.current().events });
  }
}
