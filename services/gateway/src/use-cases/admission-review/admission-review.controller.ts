import { AdmissionRpc, type Identity, type RpcReply } from '@dv/contracts';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { Caller } from '../../auth/request-identity';
import { subjectOrCaller } from '../../extensions/caller-principal';
import { reviewBesideBodySchema, reviewNativeBodySchema } from '../../extensions/extension-bodies';
import { atLeastOf } from '../../http/revision-header';
import { ServiceCalls } from '../../http/service-calls';
import { parseOrThrow } from '../../http/validate';

/**
 * `POST /api/dv/v1/admission/review`: a workload reviewed as the webhook would (admitted with its
 * patch and bindings, or denied with every reason: both 200). The submitter is the caller unless
 * another is named, which the service allows only to service accounts; `dryRun` decides without
 * binding, recording or publishing.
 */
@Controller('api/dv/v1/admission')
export class AdmissionReviewController {
  constructor(private readonly calls: ServiceCalls) {}

  @Post('review')
  @HttpCode(200)
  async review(@Body() body: unknown, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<RpcReply<typeof AdmissionRpc.review>> {
    // The form the body chose: `dataVolumes` beside the workload, or none and a native workload's spec.
    const beside = typeof body === 'object' && body !== null && 'dataVolumes' in body;
    const parsed = beside ? parseOrThrow(reviewBesideBodySchema, body) : parseOrThrow(reviewNativeBodySchema, body);
    const { subject, dryRun, workloadId, workload, projectId } = parsed;
    return this.calls.call(
      AdmissionRpc.review,
      {
        workload,
        projectId,
        subject: subjectOrCaller(subject, caller),
        ...('dataVolumes' in parsed ? { dataVolumes: parsed.dataVolumes } : {}),
        ...(workloadId === undefined ? {} : { workloadId }),
        ...(dryRun === undefined ? {} : { dryRun }),
        ...atLeastOf(request),
      },
      caller,
      request,
    );
  }
}
