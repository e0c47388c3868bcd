import {
  AdmissionEvents,
  AuthzRpc,
  type Binding,
  type DataVolumeMount,
  type DenialReason,
  DvError,
  type Principal,
  type Revision,
  type ReviewedWorkload,
} from '@dv/contracts';
import { RpcClient } from '@dv/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BindingManager } from '../bindings/binding-manager';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { type JsonPatchOp, type MountRequest, patchWorkload } from '../patching/patch-workload';
import { type WorkloadKindInfo, lookupKind } from '../patching/workload-kinds';
import { AdmissionState } from '../state/admission-state';
import { type VolumeView } from '../state/volume-directory';
import { AdmissionMetrics } from './admission-metrics';
import { DecisionAnnouncer } from './decision-announcer';
import { annotationMounts, nativeMounts } from './mount-requests';
import { podVolumeName } from './pod-volume-name';
import { writableDataVolumeReferences } from './read-only-guard';

const SERVICE_IDENTITY = { subjectId: 'workload-admission', subjectType: 'service-account' } as const;

export interface ReviewInput {
  workload: Record<string, unknown>;
  /** Where the workload goes: a project (the platform's request) or a namespace (the webhook). */
  target: { projectId: string } | { namespace: string };
  subject: Principal;
  /** Mounts given beside the workload (RPC); else the native spec or the annotation. */
  dataVolumes: DataVolumeMount[] | undefined;
  workloadId: string | undefined;
  dryRun: boolean;
  via: 'rpc' | 'webhook';
  requestId: string;
  atLeast: Revision | undefined;
}

export interface ReviewOutcome {
  reviewId: string;
  allowed: boolean;
  reasons: DenialReason[];
  workload?: Record<string, unknown>;
  patch?: JsonPatchOp[];
  bindings: Binding[];
  /** False when the workload asks for no data volume (the webhook lets it through untouched). */
  requested: boolean;
}

/**
 * A review: may this subject run this workload with these data volumes in this project? Authz is
 * asked (both permissions in one batch); sharing, readiness and storage come from memory, kept from
 * the sharing and volume services' events (sharing's own index, `SharingIndex`). Every reason is collected, not just the first. Admitted → bindings
 * ensured and the patched workload; either way the decision is an event (except dry runs).
 */
@Injectable()
export class ReviewService {
  constructor(
    private readonly state: AdmissionState,
    private readonly rpc: RpcClient,
    private readonly announcer: DecisionAnnouncer,
    private readonly bindings: BindingManager,
    private readonly metrics: AdmissionMetrics,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
  ) {}

  async review(input: ReviewInput): Promise<ReviewOutcome> {
    const done = this.metrics.duration.startTimer({ via: input.via });
    const outcome = await this.decide(input);
    if (outcome.requested) {
      done();
      this.metrics.reviews.inc({ via: input.via, outcome: outcome.allowed ? 'admitted' : 'denied' });
      for (const reason of outcome.reasons) this.metrics.reasons.inc({ code: reason.code });
    }
    return outcome;
  }

  private async decide(input: ReviewInput): Promise<ReviewOutcome> {
    const reviewId = randomUUID();
    const { workload } = input;
    const kindName = typeof workload['kind'] === 'string' ? workload['kind'] : '';
    const apiVersion = typeof workload['apiVersion'] === 'string' ? workload['apiVersion'] : undefined;
    const kind = lookupKind(apiVersion, kindName);
    const mounts = this.mountsOf(input, kind);
    await this.state.revisions.waitFor(input.atLeast, this.config.ADMISSION_CALL_TIMEOUT_MS);
    if (mounts.length === 0) return this.guardOnly(input, reviewId, kindName, apiVersion);

    const reasons: DenialReason[] = [];
    const { projectId, namespace } = this.placeOf(input, reasons);
    const described: ReviewedWorkload = {
      ...(apiVersion ? { apiVersion } : {}),
      kind: (kindName || 'unknown').slice(0, 63),
      name: nameOf(workload, input.workloadId),
      namespace: namespace ?? placeholderNamespace(input),
      projectId: projectId ?? ('projectId' in input.target ? input.target.projectId : 'unknown'),
      ...(input.workloadId ? { workloadId: input.workloadId } : {}),
    };
    if (!kind || !kind.supported) {
      reasons.push({
        code: 'KIND_NOT_SUPPORTED',
        message: kind
          ? `${kind.kind} (${apiVersion ?? 'no apiVersion'}) has no public schema to patch safely: data volumes cannot be attached to it`
          : `${kindName || 'a workload without kind'} (${apiVersion ?? 'no apiVersion'}) is not a workload kind data volumes can be attached to`,
      });
    }

    const volumes = new Map<string, VolumeView>();
    if (projectId) {
      reasons.push(...(await this.permissionProblems(input.subject, kind, projectId, input.atLeast)));
      for (const mount of mounts) {
        const problem = this.usabilityProblem(mount, projectId);
        if (problem) reasons.push(problem);
      }
      for (const mount of mounts) {
        const volume = this.state.volumes.get(mount.id);
        if (!volume) {
          if (!reasons.some((r) => r.volumeId === mount.id && r.code === 'VOLUME_NOT_FOUND')) {
            reasons.push({ code: 'VOLUME_NOT_FOUND', volumeId: mount.id, message: `data volume ${mount.id} does not exist` });
          }
          continue;
        }
        volumes.set(mount.id, volume);
        if (volume.phase !== 'Ready') {
          reasons.push({
            code: 'VOLUME_NOT_READY',
            volumeId: mount.id,
            message: `data volume ${volume.name} is ${volume.phase}${volume.phaseMessage ? `: ${volume.phaseMessage}` : ''}`,
          });
        }
      }
    }

    if (namespace) reasons.push(...this.writableReferences(workload, namespace));

    // Patch with what is known even when denied already: collisions are reasons too.
    let patched: { workload: Record<string, unknown>; patch: JsonPatchOp[] } | undefined;
    if (kind?.supported && namespace) {
      const requests: MountRequest[] = [];
      for (const mount of mounts) {
        const volume = volumes.get(mount.id);
        const binding = volume ? this.bindings.planned(volume, namespace) : undefined;
        if (volume && binding) requests.push({ volumeId: volume.id, claimName: binding.pvcName, podVolumeName: podVolumeName(volume.id, volume.name), mountPath: mount.mountPath });
      }
      const outcome = patchWorkload(workload, requests);
      if (outcome.ok) patched = { workload: outcome.patched, patch: outcome.patch };
      else reasons.push(...outcome.problems.map((p) => ({ code: p.code, message: p.message, ...(p.path ? { path: p.path } : {}), ...(p.volumeId ? { volumeId: p.volumeId } : {}) })));
    }

    const base = { reviewId, workload: described, subject: input.subject, dataVolumes: mounts, via: input.via };
    if (reasons.length > 0 || !patched || !namespace || !projectId) {
      if (reasons.length === 0) reasons.push({ code: 'MALFORMED_WORKLOAD', message: 'the workload could not be patched' });
      if (!input.dryRun) this.announcer.announce(AdmissionEvents.denied, { ...base, reasons }, this.meta(input, reviewId, projectId));
      return { reviewId, allowed: false, reasons, bindings: [], requested: true };
    }

    const bindings: Binding[] = [];
    if (input.dryRun) {
      for (const volume of volumes.values()) {
        const binding = this.bindings.planned(volume, namespace);
        if (binding) bindings.push(binding);
      }
    } else {
      const made = await Promise.allSettled([...volumes.values()].map((v) => this.bindings.ensure(v, namespace, projectId, input.requestId)));
      const failures: DenialReason[] = [];
      made.forEach((result, i) => {
        const volume = [...volumes.values()][i];
        if (result.status === 'fulfilled') bindings.push(result.value);
        else failures.push({ code: 'BINDING_FAILED', volumeId: volume?.id, message: `could not bind data volume ${volume?.name ?? ''} in namespace ${namespace}: ${messageOf(result.reason)}` });
      });
      if (failures.length > 0) {
        this.announcer.announce(AdmissionEvents.denied, { ...base, reasons: failures }, this.meta(input, reviewId, projectId));
        return { reviewId, allowed: false, reasons: failures, bindings: [], requested: true };
      }
      this.announcer.announce(AdmissionEvents.admitted, { ...base, bindings }, this.meta(input, reviewId, projectId));
    }
    return { reviewId, allowed: true, reasons: [], workload: patched.workload, patch: patched.patch, bindings, requested: true };
  }

  /** The data volume PVCs a workload in this namespace may only mount read-only. */
  private writableReferences(workload: Record<string, unknown>, namespace: string): DenialReason[] {
    const claims = new Set([...this.state.bindings.pvcNamesIn(namespace), ...this.state.volumes.copyPvcNamesIn(namespace)]);
    return writableDataVolumeReferences(workload, claims);
  }

  /** A workload that asks for no data volume: it may still name one's PVC directly, and then only read-only. */
  private async guardOnly(input: ReviewInput, reviewId: string, kindName: string, apiVersion: string | undefined): Promise<ReviewOutcome> {
    const namespace = 'namespace' in input.target ? input.target.namespace : this.state.namespaceOfProject(input.target.projectId);
    const reasons = namespace ? this.writableReferences(input.workload, namespace) : [];
    if (reasons.length === 0 || !namespace) return { reviewId, allowed: true, reasons: [], bindings: [], requested: false };
    const projectId = 'projectId' in input.target ? input.target.projectId : this.state.projectOfNamespace(namespace);
    const workload: ReviewedWorkload = {
      ...(apiVersion ? { apiVersion } : {}),
      kind: (kindName || 'unknown').slice(0, 63),
      name: nameOf(input.workload, input.workloadId),
      namespace,
      projectId: projectId ?? 'unknown',
      ...(input.workloadId ? { workloadId: input.workloadId } : {}),
    };
    if (!input.dryRun) {
      this.announcer.announce(AdmissionEvents.denied, { reviewId, workload, subject: input.subject, dataVolumes: [], via: input.via, reasons }, this.meta(input, reviewId, projectId));
    }
    return { reviewId, allowed: false, reasons, bindings: [], requested: true };
  }

  /** The mounts asked for. Bad lists are VALIDATION_FAILED (the webhook turns that into a denial). */
  private mountsOf(input: ReviewInput, kind: WorkloadKindInfo | undefined): DataVolumeMount[] {
    if (kind?.native) {
      if (input.dataVolumes) throw DvError.validation('native workloads list their data volumes in spec.storage.dataVolume, not beside the workload', { field: 'dataVolumes' });
      const native = nativeMounts(input.workload);
      if (!native.ok) throw DvError.validation(native.message, { field: 'workload.spec.storage.dataVolume' });
      return native.mounts;
    }
    if (input.dataVolumes) return input.dataVolumes;
    const annotated = annotationMounts(input.workload);
    if (!annotated.ok) throw DvError.validation(annotated.message, { field: 'workload.metadata.annotations' });
    return annotated.mounts;
  }

  private placeOf(input: ReviewInput, reasons: DenialReason[]): { projectId?: string; namespace?: string } {
    const objectNamespace = namespaceOf(input.workload);
    if ('projectId' in input.target) {
      const projectId = input.target.projectId;
      const namespace = this.state.namespaceOfProject(projectId);
      if (!namespace) {
        reasons.push({ code: 'PROJECT_NOT_FOUND', message: `project ${projectId} does not exist (or has no namespace)` });
        return {};
      }
      if (objectNamespace && objectNamespace !== namespace) {
        reasons.push({ code: 'NAMESPACE_MISMATCH', path: '/metadata/namespace', message: `the workload names namespace ${objectNamespace}, but project ${projectId} runs in ${namespace}` });
        return { projectId };
      }
      return { projectId, namespace };
    }
    const namespace = input.target.namespace;
    const projectId = this.state.projectOfNamespace(namespace);
    if (!projectId) {
      reasons.push({ code: 'PROJECT_NOT_FOUND', message: `namespace ${namespace} belongs to no project` });
      return {};
    }
    return { projectId, namespace };
  }

  private async permissionProblems(subject: Principal, kind: WorkloadKindInfo | undefined, projectId: string, atLeast: Revision | undefined): Promise<DenialReason[]> {
    const scope = { scopeType: 'project' as const, scopeId: projectId };
    const checks = [
      ...(kind?.supported ? [{ subject, action: 'create' as const, resourceType: kind.resourceType, scope }] : []),
      { subject, action: 'read' as const, resourceType: 'datavolumes' as const, scope },
    ];
    const { decisions } = await this.rpc.call(AuthzRpc.checkBatch, { checks, ...(atLeast ? { atLeast } : {}) }, { identity: SERVICE_IDENTITY, timeoutMs: this.config.ADMISSION_CALL_TIMEOUT_MS });
    const reasons: DenialReason[] = [];
    decisions.forEach((decision, i) => {
      const check = checks[i];
      if (!decision.allowed && check) {
        reasons.push({ code: 'NOT_PERMITTED', message: `${subject.subjectId} may not ${check.action} ${check.resourceType} in project ${projectId}: ${decision.message}` });
      }
    });
    return reasons;
  }

  /** Sharing's answer, from the same index the sharing service answers `resolve` with, fed by the same events. */
  private usabilityProblem(mount: DataVolumeMount, projectId: string): DenialReason | undefined {
    const answer = this.state.sharing.resolve(mount.id, projectId);
    if (answer.usable) return undefined;
    if (answer.reason === 'unknown-volume') return { code: 'VOLUME_NOT_FOUND', volumeId: mount.id, message: `data volume ${mount.id} does not exist` };
    if (answer.reason === 'unknown-project') return { code: 'PROJECT_NOT_FOUND', volumeId: mount.id, message: answer.message };
    return { code: 'NOT_SHARED', volumeId: mount.id, message: `${answer.message} (data volume id ${mount.id})` };
  }

  private meta(input: ReviewInput, reviewId: string, projectId: string | undefined) {
    return {
      actor: { id: input.subject.subjectId, type: input.subject.subjectType },
      subject: reviewId,
      id: reviewId,
      requestId: input.requestId,
      ...(projectId ? { scope: { scopeType: 'project' as const, scopeId: projectId } } : {}),
    };
  }
}

function nameOf(workload: Record<string, unknown>, workloadId: string | undefined): string {
  const metadata = workload['metadata'];
  if (typeof metadata === 'object' && metadata !== null) {
    const m = metadata as Record<string, unknown>;
    if (typeof m['name'] === 'string' && m['name']) return m['name'].slice(0, 253);
    if (typeof m['generateName'] === 'string' && m['generateName']) return `${m['generateName']}*`.slice(0, 253);
  }
  if (typeof workload['name'] === 'string' && workload['name']) return workload['name'].slice(0, 253);
  return workloadId ?? '';
}

function namespaceOf(workload: Record<string, unknown>): string | undefined {
  const metadata = workload['metadata'];
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const ns = (metadata as Record<string, unknown>)['namespace'];
  return typeof ns === 'string' && ns ? ns : undefined;
}

function placeholderNamespace(input: ReviewInput): string {
  return 'namespace' in input.target ? input.target.namespace : 'unknown';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
