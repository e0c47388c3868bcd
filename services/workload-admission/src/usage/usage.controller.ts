import {
  AdmissionEvents,
  AdmissionRpc,
  AuthzRpc,
  DvError,
  type EventData,
  type RpcReplyInput,
  type ReviewedWorkload,
  type RpcRequest,
  SharingEvents,
  VolumeEvents,
  VolumeUsageRpc,
  WorkloadEvents,
} from '@dv/contracts';
import { EventHandler, type EventHandlingContext, type RpcCallContext, RpcClient, RpcHandler, StreamHeads } from '@dv/messaging';
import { Controller, Inject, Logger } from '@nestjs/common';
import { BindingRepository } from '../bindings/binding.repository';
import { BindingManager } from '../bindings/binding-manager';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { AdmissionState } from '../state/admission-state';
import { MAX_LISTED, UsageRecords, type VolumeUser, workloadOf } from './usage-records';
import { type UsageDoc } from './usage.model';
import { WorkloadPresence } from './workload-presence';

const SERVICE_IDENTITY = { subjectId: 'workload-admission', subjectType: 'service-account' } as const;
/** Pages of usage records read while released ones fill them. */
const MAX_PAGES = 10;

/**
 * Usage: which workloads use which volume. Recorded from the admitted events (one durable consumer
 * shared by the replicas; keyed by the workload, so a re-admission replaces and a redelivery changes
 * nothing), released by the platform's workload finished/deleted events (in whichever order the two
 * arrive: see UsageRecords) and by the usage answers when a webhook-admitted object is gone. A
 * release, an unshare or a volume deletion lets the binding collector remove bindings nobody uses.
 * A usage answer counts every admission acknowledged before the question, recorded or not yet
 * (decision 0034).
 */
@Controller()
export class UsageController {
  private readonly logger = new Logger('Usage');

  constructor(
    private readonly state: AdmissionState,
    private readonly bindings: BindingManager,
    private readonly rpc: RpcClient,
    private readonly records: UsageRecords,
    private readonly presence: WorkloadPresence,
    private readonly bindingRecords: BindingRepository,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
    private readonly heads: StreamHeads,
  ) {}

  @EventHandler(AdmissionEvents.admitted)
  async admitted(data: EventData<typeof AdmissionEvents.admitted>, ctx: EventHandlingContext): Promise<void> {
    await this.records.admitted(data, new Date(ctx.envelope.time));
  }

  @EventHandler(WorkloadEvents.finished)
  async finished(data: EventData<typeof WorkloadEvents.finished>, ctx: EventHandlingContext): Promise<void> {
    await this.collect(await this.records.released(data, new Date(ctx.envelope.time)));
  }

  @EventHandler(WorkloadEvents.deleted)
  async deleted(data: EventData<typeof WorkloadEvents.deleted>, ctx: EventHandlingContext): Promise<void> {
    await this.collect(await this.records.released(data, new Date(ctx.envelope.time)));
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
    if (ctx.principal.subjectType !== 'service-account') throw DvError.forbidden('only the platform services ask this; people use dv.workload-admission.usage');
    const workloads = await this.inUse(request.volumeId);
    return { inUse: workloads.length > 0, workloads: workloads.map((w) => ({ namespace: w.namespace, name: w.name, kind: w.kind })) };
  }

  /** For data volume administrators: who uses the volume, and where it is bound. Needs data volume read rights in its origin project. */
  @RpcHandler(AdmissionRpc.usage)
  async usage(request: RpcRequest<typeof AdmissionRpc.usage>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AdmissionRpc.usage>> {
    const caller = ctx.principal;
    const volume = this.state.volumes.get(request.volumeId);
    if (!volume) throw DvError.notFound(`data volume ${request.volumeId} does not exist`);
    if (caller.subjectType !== 'service-account') {
      const decision = await this.rpc.call(
        AuthzRpc.check,
        { subject: caller, action: 'read', resourceType: 'datavolumes', scope: { scopeType: 'project', scopeId: volume.projectId } },
        { identity: SERVICE_IDENTITY, timeoutMs: this.config.ADMISSION_CALL_TIMEOUT_MS },
      );
      if (!decision.allowed)
        throw DvError.forbidden(decision.message, { action: 'read', resourceType: 'datavolumes', scopeType: 'project', scopeId: volume.projectId });
    }
    const [workloads, bindings] = await Promise.all([this.inUse(request.volumeId), this.bindingRecords.boundOfVolume(request.volumeId)]);
    return {
      volumeId: request.volumeId,
      workloads,
      bindings: [
        ...(volume.ownPvcName ? [{ volumeId: volume.id, namespace: volume.namespace, pvcName: volume.ownPvcName }] : []),
        ...bindings.map((b) => ({ volumeId: b.volumeId, namespace: b.namespace, pvcName: b.pvcName, pvName: b.pvName })),
      ],
    };
  }

  /**
   * The workloads of a volume that still exist: webhook admissions are checked in the Kubernetes API
   * first, and a record whose object is gone is released here (its volumes' bindings collected), so
   * an object that was never stored or was deleted without an event cannot block the volume's
   * deletion forever. A page that lost records is read again, so records past the first page are
   * never hidden behind released ones.
   *
   * First this replica applies the domain stream up to its head as it is now (one JetStream API round
   * trip; UNAVAILABLE after the bound, which the volume service takes as 'usage-unknown'): every
   * admission acknowledged before the question, on any replica, is then in the usage index, recorded
   * or not yet (decision 0034).
   */
  private async inUse(volumeId: string): Promise<ReviewedWorkload[]> {
    await this.heads.reach(this.state.revisions, ['events'], this.config.ADMISSION_CALL_TIMEOUT_MS);
    const released = new Set<string>();
    let users: VolumeUser[] = [];
    let live: VolumeUser[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      users = await this.records.using(volumeId);
      live = await this.present(users, released);
      if (live.length === users.length || users.length < MAX_LISTED) break;
    }
    // The answer does not depend on the bindings: a failure to remove one now is retried by the next release.
    await this.collect([...released]).catch((e: unknown) =>
      this.logger.warn(`collecting bindings after a release failed: ${e instanceof Error ? e.message : String(e)}`),
    );
    // Still only gone records after every page (hardly possible): say in use rather than too little.
    return (live.length === 0 && users.length === MAX_LISTED ? users : live).map(workloadOf);
  }

  /**
   * The users whose objects are present (or not checkable: only recorded webhook admissions are);
   * releases the others, adding their volumes to `released`.
   */
  private async present(users: VolumeUser[], released: Set<string>): Promise<VolumeUser[]> {
    const now = Date.now();
    const checked = users.flatMap((u) => (u.recorded && this.presence.checkable(u.doc, now) ? [u.doc] : []));
    if (checked.length === 0) return users;
    const presence = await this.presence.of(checked);
    const gone = new Set<UsageDoc>();
    for (const [i, doc] of checked.entries()) {
      const p = presence[i];
      if (p?.state === 'gone') {
        gone.add(doc);
        if (await this.records.release(doc, new Date(now))) for (const v of doc.volumeIds) released.add(v);
      } else if (p?.state === 'present' && doc.generated) {
        await this.records.named(doc, p.name);
        doc.name = p.name;
      }
    }
    return users.filter((u) => !u.recorded || !gone.has(u.doc));
  }

  private async collect(volumeIds: readonly string[]): Promise<void> {
    for (const volumeId of volumeIds) await this.bindings.collect(volumeId, { events: this.state.revisions.current().events });
  }
}
