import { AdmissionRpc, AuditRpc, AuthzRpc, bindingSchema, dataVolumeIdSchema, reviewedWorkloadSchema } from '@dv/contracts';
import { z } from 'zod';
import { type ApiOperation } from '../api/api-operation';
import { READS_YOUR_WRITES } from '../http/revision-header';
import { volumeIdParamsSchema } from '../volumes/volume-id-param';
import { checkBatchBodySchema, checkBodySchema, reviewBodySchema, verifyQuerySchema, whoCanBodySchema } from './extension-bodies';

const TAGS = ['Extensions'];

/** What the platform has beyond the mirrored API, under `/api/dv/v1` (decision 0022). */
export const EXTENSION_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'check',
    method: 'POST',
    path: '/api/dv/v1/check',
    tags: TAGS,
    summary: 'Is a subject (the caller by default) allowed an action on a resource type in a scope? With the explanation.',
    description: `Asking about another subject needs access_rules read in the scope (or a service account). ${READS_YOUR_WRITES}`,
    body: checkBodySchema,
    responses: { 200: { description: 'The decision and why.', schema: AuthzRpc.check.reply } },
    errors: [400, 403, 404, 413],
    calls: [AuthzRpc.check.subject],
  },
  {
    operationId: 'checkBatch',
    method: 'POST',
    path: '/api/dv/v1/check-batch',
    tags: TAGS,
    summary: 'Up to 100 checks at once; decisions in request order.',
    body: checkBatchBodySchema,
    description: READS_YOUR_WRITES,
    responses: { 200: { description: 'The decisions.', schema: AuthzRpc.checkBatch.reply } },
    errors: [400, 403, 404, 413],
    calls: [AuthzRpc.checkBatch.subject],
  },
  {
    operationId: 'whoCan',
    method: 'POST',
    path: '/api/dv/v1/who-can',
    tags: TAGS,
    summary: 'The subjects that may do an action on a resource type in a scope, and through which rules.',
    description: `Needs access_rules read in the scope. ${READS_YOUR_WRITES}`,
    body: whoCanBodySchema,
    responses: { 200: { description: 'The subjects.', schema: AuthzRpc.whoCan.reply } },
    errors: [400, 403, 404, 413],
    calls: [AuthzRpc.whoCan.subject],
  },
  {
    operationId: 'getDataVolumeUsage',
    method: 'GET',
    path: '/api/dv/v1/datavolumes/{id}/usage',
    tags: TAGS,
    summary: 'The workloads that mount a data volume (admitted, not finished or deleted).',
    params: volumeIdParamsSchema,
    responses: { 200: { description: 'The workloads.', schema: z.object({ volumeId: dataVolumeIdSchema, workloads: z.array(reviewedWorkloadSchema) }) } },
    errors: [400, 403, 404],
    calls: [AdmissionRpc.usage.subject],
  },
  {
    operationId: 'getDataVolumeBindings',
    method: 'GET',
    path: '/api/dv/v1/datavolumes/{id}/bindings',
    tags: TAGS,
    summary: "The namespaces holding a data volume's PVC (and PV copy).",
    params: volumeIdParamsSchema,
    responses: { 200: { description: 'The bindings.', schema: z.object({ volumeId: dataVolumeIdSchema, bindings: z.array(bindingSchema) }) } },
    errors: [400, 403, 404],
    calls: [AdmissionRpc.usage.subject],
  },
  {
    operationId: 'verifyAuditChain',
    method: 'GET',
    path: '/api/dv/v1/audit/verify',
    tags: TAGS,
    summary: 'Recompute the audit chain over a range of sequences; names the first record changed, removed or inserted.',
    query: verifyQuerySchema,
    responses: { 200: { description: 'The verdict (ok false with firstBad when the chain is broken).', schema: AuditRpc.verify.reply } },
    errors: [400, 403],
    calls: [AuditRpc.verify.subject],
  },
  {
    operationId: 'getAuditChainHead',
    method: 'GET',
    path: '/api/dv/v1/audit/head',
    tags: TAGS,
    summary: "The audit chain's head (the last stored record's seq and hash) and its base.",
    responses: { 200: { description: 'The head and the base.', schema: AuditRpc.head.reply } },
    errors: [403],
    calls: [AuditRpc.head.subject],
  },
  {
    operationId: 'reviewWorkload',
    method: 'POST',
    path: '/api/dv/v1/admission/review',
    tags: TAGS,
    summary: 'Review a workload that asks for data volumes: admitted with its patch and bindings, or denied with every reason.',
    description: `The submitter is the caller (naming another is for service accounts). dryRun decides without binding, recording or publishing. ${READS_YOUR_WRITES}`,
    body: reviewBodySchema,
    responses: { 200: { description: 'The decision (allowed or not).', schema: AdmissionRpc.review.reply } },
    errors: [400, 403, 413],
    calls: [AdmissionRpc.review.subject],
  },
];
