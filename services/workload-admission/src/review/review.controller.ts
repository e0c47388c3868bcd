import { AdmissionRpc, DvError, MAX_WORKLOAD_BYTES, type Principal, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { RefusalRecorder, type RpcCallContext, RpcHandler, requestRefusal } from '@dv/messaging';
import { Controller } from '@nestjs/common';
import { ReviewService } from './review-service';

/**
 * `dv.workload-admission.review`: the platform's workload service (a service account) reviews on
 * behalf of the submitting subject; anybody else may only review for themselves (dry-run checks
 * from a UI, say), with the groups their own identity carries.
 */
@Controller()
export class ReviewController {
  constructor(
    private readonly reviews: ReviewService,
    private readonly refusals: RefusalRecorder,
  ) {}

  @RpcHandler(AdmissionRpc.review)
  async review(request: RpcRequest<typeof AdmissionRpc.review>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AdmissionRpc.review>> {
    const caller = ctx.principal;
    // A review refused before it is decided (not the caller's to review, too large, asking for no data
    // volume, a bad list of mounts) has no decision event: it is recorded as a request refusal, so the
    // audit log holds every review, decided or refused. Decided reviews answer and never throw a refusal.
    return this.refusals.guard(
      caller,
      ctx.requestId,
      () => requestRefusal(AdmissionRpc.review),
      () => this.decide(request, caller, ctx.requestId),
    );
  }

  private async decide(
    request: RpcRequest<typeof AdmissionRpc.review>,
    caller: Principal,
    requestId: string,
  ): Promise<RpcReplyInput<typeof AdmissionRpc.review>> {
    const subject = subjectFor(request.subject, caller);
    const size = Buffer.byteLength(JSON.stringify(request.workload));
    if (size > MAX_WORKLOAD_BYTES)
      throw DvError.validation(`the workload is ${size} bytes; at most ${MAX_WORKLOAD_BYTES} are reviewed`, { field: 'workload', size });
    const outcome = await this.reviews.review({
      workload: request.workload,
      target: { projectId: request.projectId },
      subject,
      dataVolumes: request.dataVolumes,
      workloadId: request.workloadId,
      dryRun: request.dryRun,
      via: 'rpc',
      requestId,
      atLeast: request.atLeast,
    });
    if (!outcome.requested)
      throw DvError.validation('the workload asks for no data volume (dataVolumes, spec.storage.dataVolume or the dv.platform/data-volumes annotation)', {
        field: 'dataVolumes',
      });
    return {
      reviewId: outcome.reviewId,
      allowed: outcome.allowed,
      reasons: outcome.reasons,
      ...(outcome.workload ? { workload: outcome.workload } : {}),
      ...(outcome.patch ? { patch: outcome.patch } : {}),
      bindings: outcome.bindings,
    };
  }
}

/** Whom the review is for: anyone a service account names; otherwise the caller itself, with its own groups. */
function subjectFor(subject: Principal, caller: Principal): Principal {
  if (caller.subjectType === 'service-account') return subject;
  if (caller.subjectId !== subject.subjectId || caller.subjectType !== subject.subjectType) {
    throw DvError.forbidden(
      `${caller.subjectType} ${caller.subjectId} may review only their own workloads; reviewing for ${subject.subjectType} ${subject.subjectId} is for the platform's services`,
      {
        subjectId: subject.subjectId,
      },
    );
  }
  return caller;
}
