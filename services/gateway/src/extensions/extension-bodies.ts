import {
  MAX_BATCH_CHECKS,
  MAX_WORKLOAD_VOLUMES,
  actionSchema,
  dataVolumeIdSchema,
  idSchema,
  principalSchema,
  resourceTypeSchema,
  scopeRefSchema,
} from '@dv/contracts';
import { z } from 'zod';
import { queryBool, queryInt } from '../api/parse-query';

/** Whom a check is about; absent: the caller, with the groups of its token. */
const subjectSchema = z.strictObject({
  subjectId: idSchema,
  subjectType: principalSchema.shape.subjectType,
  groups: z.array(idSchema).max(256).optional(),
});
const scopeSchema = z.strictObject(scopeRefSchema.shape);

const checkItemSchema = z.strictObject({ subject: subjectSchema.optional(), action: actionSchema, resourceType: resourceTypeSchema, scope: scopeSchema });
export type CheckItemBody = z.output<typeof checkItemSchema>;

/** `POST /api/dv/v1/check`. */
export const checkBodySchema = checkItemSchema;
/** `POST /api/dv/v1/check-batch`: decisions in request order. */
export const checkBatchBodySchema = z.strictObject({ checks: z.array(checkItemSchema).min(1).max(MAX_BATCH_CHECKS) });
/** `POST /api/dv/v1/who-can`. */
export const whoCanBodySchema = z.strictObject({ action: actionSchema, resourceType: resourceTypeSchema, scope: scopeSchema });

// The contract's `^\/[^\0:]*$` written so that the description carries it in a form Schemathesis can use (`\0` it dropped).
// eslint-disable-next-line no-control-regex -- NUL is what the pattern refuses, on purpose
const ABSOLUTE_PATH = /^\/[^\u0000:]*$/;

/**
 * The mounts of a review: the contract's shape with its path rule written as one pattern the API
 * description can carry (absolute; no NUL, no `:`). The service then checks the rest (no `.` or `..`
 * segment, no volume or path twice) and names what is wrong.
 */
const mountsSchema = z
  .array(
    z.strictObject({
      id: dataVolumeIdSchema,
      mountPath: z.string().min(2).max(1024).regex(ABSOLUTE_PATH, 'must be an absolute path (start with /)'),
    }),
  )
  .min(1)
  .max(MAX_WORKLOAD_VOLUMES);

/** `POST /api/dv/v1/admission/review`: dv.workload-admission.review's request; `subject` absent is the caller. */
export const reviewBodySchema = z.strictObject({
  workload: z.record(z.string(), z.unknown()),
  projectId: idSchema,
  subject: subjectSchema.optional(),
  dataVolumes: mountsSchema.optional(),
  workloadId: idSchema.optional(),
  dryRun: z.boolean().optional(),
});

/** `GET /api/dv/v1/audit/verify`: a range of sequences (the whole chain by default), optionally held to DV_AUDIT; toSeq before fromSeq is an empty range. */
export const verifyQuerySchema = z.object({
  fromSeq: queryInt({ min: 1 }).optional(),
  toSeq: queryInt({ min: 1 }).optional(),
  againstStream: queryBool.optional(),
});
