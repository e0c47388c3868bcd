import { AuthzRpc, type DataVolumeMount, type DenialReason, type Principal, type Revision } from '@dv/contracts';
import { RpcClient } from '@dv/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { BindingManager } from '../bindings/binding-manager';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { type JsonPatchOp, type MountRequest, patchWorkload } from '../patching/patch-workload';
import { type WorkloadKindInfo } from '../patching/workload-kinds';
import { AdmissionState } from '../state/admission-state';
import { type VolumeView } from '../state/volume-directory';
import { AdmissionMetrics } from './admission-metrics';
import { type CachedDecision, PermissionCache } from './permission-cache';
import { podVolumeName } from './pod-volume-name';
import { writableDataVolumeReferences } from './read-only-guard';
import { type Place, namespaceOf } from './reviewed-workload';

const SERVICE_IDENTITY = { subjectId: 'workload-admission', subjectType: 'service-account' } as const;

export interface EvaluationInput {
  workload: Record<string, unknown>;
  target: { projectId: string } | { namespace: string };
  subject: Principal;
  kindName: string;
  apiVersion: string | undefined;
  kind: WorkloadKindInfo | undefined;
  mounts: readonly DataVolumeMount[];
}

export interface Evaluation {
  /** Every problem found; empty when the workload may be admitted. */
  reasons: DenialReason[];
  place: Place;
  /** The requested volumes that exist, in request order. */
  volumes: VolumeView[];
  /** The workload with the mounts, when it could be patched. */
  patched?: { workload: Record<string, unknown>; patch: JsonPatchOp[] };
}

/**
 * Decides a review without changing anything: authz is asked (both permissions in one batch, at
 * `atLeast` when given); sharing, readiness, storage and bindings come from this replica's memory,
 * kept from the streams. Every reason is collected, not just the first, and the workload is patched
 * even when denied already, because collisions are reasons too.
 */
@Injectable()
export class ReviewEvaluator {
  private readonly permissions: PermissionCache;

  constructor(
    private readonly state: AdmissionState,
    private readonly rpc: RpcClient,
    private readonly metrics: AdmissionMetrics,
    private readonly bindings: BindingManager,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
  ) {
    this.permissions = new PermissionCache(config.ADMISSION_PERMISSION_CACHE_SIZE);
  }

  async evaluate(input: EvaluationInput, atLeast: Revision | undefined): Promise<Evaluation> {
    const { kind, mounts } = input;
    const reasons: DenialReason[] = [];
    const place = this.placeOf(input, reasons);
    if (!kind || !kind.supported) {
      reasons.push({
        code: 'KIND_NOT_SUPPORTED',
        message: kind
          ? `${kind.kind} (${input.apiVersion ?? 'no apiVersion'}) has no public schema to patch safely: data volumes cannot be attached to it`
          : `${input.kindName || 'a workload without kind'} (${input.apiVersion ?? 'no apiVersion'}) is not a workload kind data volumes can be attached to`,
      });
    }

    const volumes: VolumeView[] = [];
    const { projectId, namespace } = place;
    // authz is asked first and answers while the rest is decided here, from memory: the request is
    // sent (a turn of the event loop lets the connection flush it) before the local work starts.
    const lookup = projectId ? this.permissionProblems(input.subject, kind, projectId, atLeast) : { cached: [] };
    const permissions = 'cached' in lookup ? Promise.resolve(lookup.cached) : lookup.asked;
    // Awaited below; handled now so that a failure arriving meanwhile is not an unhandled rejection.
    permissions.catch(() => undefined);
    if ('asked' in lookup) await new Promise<void>((resolve) => setImmediate(resolve));
    const permissionAt = reasons.length;
    if (projectId) {
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
        volumes.push(volume);
        if (volume.phase !== 'Ready') {
          reasons.push({
            code: 'VOLUME_NOT_READY',
            volumeId: mount.id,
            message: `data volume ${volume.name} is ${volume.phase}${volume.phaseMessage ? `: ${volume.phaseMessage}` : ''}`,
          });
        }
      }
    }

    if (namespace) reasons.push(...this.writableReferences(input.workload, namespace));

    let patched: Evaluation['patched'];
    if (kind?.supported && namespace) {
      const requests: MountRequest[] = [];
      for (const mount of mounts) {
        const volume = volumes.find((v) => v.id === mount.id);
        const binding = volume ? this.bindings.planned(volume, namespace) : undefined;
        if (volume && binding)
          requests.push({ volumeId: volume.id, claimName: binding.pvcName, podVolumeName: podVolumeName(volume.id, volume.name), mountPath: mount.mountPath });
      }
      const outcome = patchWorkload(input.workload, requests);
      if (outcome.ok) patched = { workload: outcome.patched, patch: outcome.patch };
      else
        reasons.push(
          ...outcome.problems.map((p) => ({
            code: p.code,
            message: p.message,
            ...(p.path ? { path: p.path } : {}),
            ...(p.volumeId ? { volumeId: p.volumeId } : {}),
          })),
        );
    }
    // Permission reasons first, as a caller reads them: may I at all, then what is wrong with the volumes.
    reasons.splice(permissionAt, 0, ...(await permissions));
    return { reasons, place, volumes, ...(patched ? { patched } : {}) };
  }

  /** The data volume PVCs a workload in this namespace may only mount read-only, and where it does not. */
  writableReferences(workload: Record<string, unknown>, namespace: string): DenialReason[] {
    const claims = new Set([...this.state.bindings.pvcNamesIn(namespace), ...this.state.volumes.copyPvcNamesIn(namespace)]);
    return writableDataVolumeReferences(workload, claims);
  }

  /** Project and namespace of the target; a reason when either is unknown or they disagree with the object. */
  placeOf(input: Pick<EvaluationInput, 'target' | 'workload'>, reasons: DenialReason[]): Place {
    const objectNamespace = namespaceOf(input.workload);
    if ('projectId' in input.target) {
      const projectId = input.target.projectId;
      const namespace = this.state.namespaceOfProject(projectId);
      if (!namespace) {
        reasons.push({ code: 'PROJECT_NOT_FOUND', message: `project ${projectId} does not exist (or has no namespace)` });
        return {};
      }
      if (objectNamespace && objectNamespace !== namespace) {
        reasons.push({
          code: 'NAMESPACE_MISMATCH',
          path: '/metadata/namespace',
          message: `the workload names namespace ${objectNamespace}, but project ${projectId} runs in ${namespace}`,
        });
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

  /** The permission problems of a review: from the cache at once, or asked of authz (`asked`). */
  private permissionProblems(
    subject: Principal,
    kind: WorkloadKindInfo | undefined,
    projectId: string,
    atLeast: Revision | undefined,
  ): { cached: DenialReason[] } | { asked: Promise<DenialReason[]> } {
    const scope = { scopeType: 'project' as const, scopeId: projectId };
    const checks = [
      ...(kind?.supported ? [{ subject, action: 'create' as const, resourceType: kind.resourceType, scope }] : []),
      { subject, action: 'read' as const, resourceType: 'datavolumes' as const, scope },
    ];
    const key = `${subject.subjectType}\u0000${subject.subjectId}\u0000${subject.groups.join('\u0001')}\u0000${projectId}\u0000${kind?.supported ? kind.resourceType : ''}`;
    const generation = this.state.permissionsGeneration;
    const cached = this.permissions.get(key, generation);
    if (cached) {
      this.metrics.permissionLookups.inc({ source: 'cache' });
      return { cached: notPermitted(cached, checks, subject, projectId) };
    }
    this.metrics.permissionLookups.inc({ source: 'authz' });
    // At least this replica's own revision: the answer is never older than what it has seen (and
    // what it has not seen yet moves the generation when it arrives).
    const own = this.state.revisions.current();
    const at = { events: Math.max(own.events, atLeast?.events ?? 0), platform: Math.max(own.platform, atLeast?.platform ?? 0) };
    const asked = this.rpc
      .call(AuthzRpc.checkBatch, { checks, atLeast: at }, { identity: SERVICE_IDENTITY, timeoutMs: this.config.ADMISSION_CALL_TIMEOUT_MS })
      .then((answer) => {
        const decisions = answer.decisions.map((d) => ({ allowed: d.allowed, message: d.message }));
        this.permissions.set(key, generation, decisions);
        return notPermitted(decisions, checks, subject, projectId);
      });
    return { asked };
  }

  /** Sharing's answer, from the same index the sharing service answers `resolve` with, fed by the same events. */
  private usabilityProblem(mount: DataVolumeMount, projectId: string): DenialReason | undefined {
    const answer = this.state.sharing.resolve(mount.id, projectId);
    if (answer.usable) return undefined;
    if (answer.reason === 'unknown-volume') return { code: 'VOLUME_NOT_FOUND', volumeId: mount.id, message: `data volume ${mount.id} does not exist` };
    if (answer.reason === 'unknown-project') return { code: 'PROJECT_NOT_FOUND', volumeId: mount.id, message: answer.message };
    return { code: 'NOT_SHARED', volumeId: mount.id, message: `${answer.message} (data volume id ${mount.id})` };
  }
}

/** NOT_PERMITTED for each check authz denied. */
function notPermitted(
  decisions: readonly CachedDecision[],
  checks: readonly { action: string; resourceType: string }[],
  subject: Principal,
  projectId: string,
): DenialReason[] {
  const reasons: DenialReason[] = [];
  decisions.forEach((decision, i) => {
    const check = checks[i];
    if (!decision.allowed && check) {
      reasons.push({
        code: 'NOT_PERMITTED',
        message: `${subject.subjectId} may not ${check.action} ${check.resourceType} in project ${projectId}: ${decision.message}`,
      });
    }
  });
  return reasons;
}
