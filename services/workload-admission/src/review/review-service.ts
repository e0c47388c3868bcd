import { type Binding, type DataVolumeMount, type DenialCode, type DenialReason, DvError, type Principal, type Revision, mountDuplicates } from '@dv/contracts';
import { StreamHeads, isTransientError } from '@dv/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BindingManager } from '../bindings/binding-manager';
import { ADMISSION_CONFIG, type AdmissionConfig } from '../config/admission-config';
import { type JsonPatchOp } from '../patching/patch-workload';
import { type WorkloadKindInfo, lookupKind } from '../patching/workload-kinds';
import { AdmissionState } from '../state/admission-state';
import { AdmissionMetrics } from './admission-metrics';
import { DecisionPublisher } from './decision-publisher';
import { annotationMounts, nativeMounts } from './mount-requests';
import { type Evaluation, type EvaluationInput, ReviewEvaluator } from './review-evaluator';
import { withReviewLabel } from './review-label';
import { type Place, reviewedWorkload } from './reviewed-workload';

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
  /** False when nothing was reviewed (no data volume asked for, nothing to refuse): the webhook lets it through untouched. */
  requested: boolean;
}

/**
 * Denials that may come from this replica (or authz) not having applied a change made a moment ago:
 * a share, a new volume, its readiness, a new project, a new access rule.
 */
const MAY_BE_STALE = new Set<DenialCode>(['NOT_SHARED', 'VOLUME_NOT_FOUND', 'VOLUME_NOT_READY', 'PROJECT_NOT_FOUND', 'NOT_PERMITTED']);

/** The longest reason message the contract takes. */
const MAX_MESSAGE = 2048;

/**
 * A review: may this subject run this workload with these data volumes in this project? The
 * evaluation changes nothing; admitted → bindings ensured, then the decision is published and
 * stored in JetStream before the answer (fail closed: UNAVAILABLE when it is not). Dry runs publish
 * nothing. A review without a revision that would be denied for something a moment's lag explains
 * catches up with the streams' heads and is evaluated once more.
 */
@Injectable()
export class ReviewService {
  constructor(
    private readonly state: AdmissionState,
    private readonly evaluator: ReviewEvaluator,
    private readonly decisions: DecisionPublisher,
    private readonly bindings: BindingManager,
    private readonly metrics: AdmissionMetrics,
    @Inject(ADMISSION_CONFIG) private readonly config: AdmissionConfig,
    private readonly heads: StreamHeads,
  ) {}

  async review(input: ReviewInput): Promise<ReviewOutcome> {
    return this.measured(input, () => this.decide(input));
  }

  /**
   * Only the read-only guard: direct references to data volume PVCs must be read-only. For objects
   * that ask for no volume, objects a controller made from a reviewed one, and updates (`before`:
   * the object as it was; what it already held is not held against the update).
   */
  async guard(input: ReviewInput, before?: Record<string, unknown>): Promise<ReviewOutcome> {
    return this.measured(input, async () => {
      await this.state.revisions.waitFor(input.atLeast, this.config.ADMISSION_CALL_TIMEOUT_MS);
      return this.guardOnly(input, randomUUID(), before);
    });
  }

  /** A denial decided by the caller (an update that changes the annotation): published like every other. */
  async refuse(input: ReviewInput, reasons: DenialReason[]): Promise<ReviewOutcome> {
    return this.measured(input, async () => this.deny(input, randomUUID(), this.placeOfGuard(input), [], reasons));
  }

  private async measured(input: ReviewInput, run: () => Promise<ReviewOutcome>): Promise<ReviewOutcome> {
    const done = this.metrics.duration.startTimer({ via: input.via });
    const outcome = await run();
    if (outcome.requested) {
      done();
      this.metrics.reviews.inc({ via: input.via, outcome: outcome.allowed ? 'admitted' : 'denied' });
      for (const reason of outcome.reasons) this.metrics.reasons.inc({ code: reason.code });
    }
    return outcome;
  }

  private async decide(input: ReviewInput): Promise<ReviewOutcome> {
    const reviewId = randomUUID();
    const kindName = typeof input.workload['kind'] === 'string' ? input.workload['kind'] : '';
    const apiVersion = typeof input.workload['apiVersion'] === 'string' ? input.workload['apiVersion'] : undefined;
    const kind = lookupKind(apiVersion, kindName);
    let mounts: DataVolumeMount[];
    try {
      mounts = mountsOf(input, kind);
    } catch (error) {
      if (input.via !== 'webhook' || !(error instanceof DvError) || error.code !== 'VALIDATION_FAILED') throw error;
      // Over NATS a bad request is VALIDATION_FAILED; the webhook's bad annotation is a denial the
      // API server shows, and like every denial it is an event (the audit log keeps it).
      return this.deny(input, reviewId, this.placeOfGuard(input), [], [{ code: 'INVALID_ANNOTATION', message: error.message }]);
    }
    // A list asked for over NATS (beside the workload, or in a native spec) may repeat a volume or a path:
    // the workload cannot be admitted as asked, which is a denial (the webhook's annotation is refused as
    // malformed for it: INVALID_ANNOTATION).
    const duplicates = input.via === 'webhook' ? [] : mountDuplicates(mounts);
    if (duplicates.length > 0)
      return this.deny(
        input,
        reviewId,
        this.placeOfGuard(input),
        mounts,
        duplicates.map((d) => ({ code: 'MOUNT_PATH_COLLISION', message: d.message, volumeId: mounts[d.index]?.id ?? '' })),
      );
    await this.state.revisions.waitFor(input.atLeast, this.config.ADMISSION_CALL_TIMEOUT_MS);
    if (mounts.length === 0) return this.guardOnly(input, reviewId, undefined);

    const evaluationInput: EvaluationInput = { workload: input.workload, target: input.target, subject: input.subject, kindName, apiVersion, kind, mounts };
    let evaluation = await this.evaluator.evaluate(evaluationInput, input.atLeast);
    if (input.atLeast === undefined && evaluation.reasons.some((r) => MAY_BE_STALE.has(r.code))) {
      // No revision to wait for (the webhook, or a caller that passed none): a share, a volume or a
      // rule made a moment ago may not be applied here yet. Catch up with what the streams hold now
      // and decide once more (authz waits for the same heads), before denying.
      const heads = await this.heads.revision(['events', 'platform']);
      await this.state.revisions.waitFor(heads, this.config.ADMISSION_CALL_TIMEOUT_MS);
      evaluation = await this.evaluator.evaluate(evaluationInput, heads);
    }
    return this.settle(input, reviewId, mounts, evaluation);
  }

  private async guardOnly(input: ReviewInput, reviewId: string, before: Record<string, unknown> | undefined): Promise<ReviewOutcome> {
    const place = this.placeOfGuard(input);
    if (!place.namespace) return { reviewId, allowed: true, reasons: [], bindings: [], requested: false };
    let reasons = this.evaluator.writableReferences(input.workload, place.namespace);
    if (before && reasons.length > 0) {
      const held = new Set(this.evaluator.writableReferences(before, place.namespace).map((r) => `${r.path ?? ''} ${r.message}`));
      reasons = reasons.filter((r) => !held.has(`${r.path ?? ''} ${r.message}`));
    }
    if (reasons.length === 0) return { reviewId, allowed: true, reasons: [], bindings: [], requested: false };
    return this.deny(input, reviewId, place, [], reasons);
  }

  /** Makes the decision happen: bindings (admitted), the event (stored before the answer), the answer. */
  private async settle(input: ReviewInput, reviewId: string, mounts: DataVolumeMount[], evaluation: Evaluation): Promise<ReviewOutcome> {
    const { place, patched, volumes } = evaluation;
    const { projectId, namespace } = place;
    if (evaluation.reasons.length > 0 || !patched || !namespace || !projectId) {
      const reasons =
        evaluation.reasons.length > 0 ? evaluation.reasons : [{ code: 'MALFORMED_WORKLOAD' as const, message: 'the workload could not be patched' }];
      return this.deny(input, reviewId, place, mounts, reasons);
    }
    if (input.dryRun) {
      const bindings = volumes.flatMap((v) => this.bindings.planned(v, namespace) ?? []);
      return { reviewId, allowed: true, reasons: [], workload: patched.workload, patch: patched.patch, bindings, requested: true };
    }
    const made = await Promise.allSettled(volumes.map((v) => this.bindings.ensure(v, namespace, projectId, input.requestId)));
    const bindings: Binding[] = [];
    const failures: DenialReason[] = [];
    for (const [i, result] of made.entries()) {
      const volume = volumes[i];
      if (result.status === 'fulfilled') bindings.push(result.value);
      // The API server away (or another passing condition) is no reason to deny: the caller may try again.
      else if (isTransientError(result.reason))
        throw DvError.unavailable(`could not bind data volume ${volume?.name ?? ''} in namespace ${namespace} now; try again: ${messageOf(result.reason)}`, {
          volumeId: volume?.id,
        });
      else
        failures.push({
          code: 'BINDING_FAILED',
          volumeId: volume?.id,
          message: `could not bind data volume ${volume?.name ?? ''} in namespace ${namespace}: ${messageOf(result.reason)}`,
        });
    }
    if (failures.length > 0) return this.deny(input, reviewId, place, mounts, failures);
    // The webhook labels what it admits with the review, so the usage record can find the object later.
    const answer = input.via === 'webhook' ? withReviewLabel(patched, reviewId) : patched;
    const workload = reviewedWorkload(input.workload, place, this.fallbackPlace(input), input.workloadId);
    await this.decisions.admitted(
      { reviewId, workload, subject: input.subject, dataVolumes: mounts, via: input.via, bindings },
      this.meta(input, reviewId, projectId),
    );
    return { reviewId, allowed: true, reasons: [], workload: answer.workload, patch: answer.patch, bindings, requested: true };
  }

  private async deny(input: ReviewInput, reviewId: string, place: Place, mounts: DataVolumeMount[], found: DenialReason[]): Promise<ReviewOutcome> {
    const reasons = found.map(clamp);
    if (!input.dryRun) {
      const workload = reviewedWorkload(input.workload, place, this.fallbackPlace(input), input.workloadId);
      await this.decisions.denied(
        { reviewId, workload, subject: input.subject, dataVolumes: mounts, via: input.via, reasons },
        this.meta(input, reviewId, place.projectId),
      );
    }
    return { reviewId, allowed: false, reasons, bindings: [], requested: true };
  }

  /** Where an object goes, without denying for an unknown project (the guard has nothing to say there). */
  private placeOfGuard(input: ReviewInput): Place {
    if ('namespace' in input.target) {
      const projectId = this.state.projectOfNamespace(input.target.namespace);
      return { namespace: input.target.namespace, ...(projectId ? { projectId } : {}) };
    }
    const namespace = this.state.namespaceOfProject(input.target.projectId);
    return { projectId: input.target.projectId, ...(namespace ? { namespace } : {}) };
  }

  private fallbackPlace(input: ReviewInput): { namespace: string; projectId: string } {
    return {
      namespace: 'namespace' in input.target ? input.target.namespace : 'unknown',
      projectId: 'projectId' in input.target ? input.target.projectId : 'unknown',
    };
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

/** The mounts asked for. Bad lists are VALIDATION_FAILED (the webhook turns that into a denial). */
function mountsOf(input: ReviewInput, kind: WorkloadKindInfo | undefined): DataVolumeMount[] {
  if (kind?.native) {
    if (input.dataVolumes)
      throw DvError.validation('native workloads list their data volumes in spec.storage.dataVolume, not beside the workload', { field: 'dataVolumes' });
    const native = nativeMounts(input.workload);
    if (!native.ok) throw DvError.validation(native.message, { field: 'workload.spec.storage.dataVolume' });
    return native.mounts;
  }
  if (input.dataVolumes) return input.dataVolumes;
  const annotated = annotationMounts(input.workload);
  if (!annotated.ok) throw DvError.validation(annotated.message, { field: 'workload.metadata.annotations' });
  return annotated.mounts;
}

function clamp(reason: DenialReason): DenialReason {
  return { ...reason, message: reason.message.slice(0, MAX_MESSAGE), ...(reason.path !== undefined ? { path: reason.path.slice(0, MAX_MESSAGE) } : {}) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
