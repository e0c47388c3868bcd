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
import { nameApiSchema } from '../api/api-schema-names';
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

/**
 * The contract's mount path (absolute; no NUL, no `:`; no `.` or `..` segment) as one pattern without
 * lookaheads, so the API description carries the whole rule in a form a generating client (Schemathesis)
 * can follow: each segment is empty, starts with a character other than `.`, or is `.x…` or `..x…`.
 */
// eslint-disable-next-line no-control-regex -- NUL is what the pattern refuses, on purpose
const MOUNT_PATH = /^(\/([^/\u0000:.][^/\u0000:]*|\.[^/\u0000:.][^/\u0000:]*|\.\.[^/\u0000:]+)?)+$/;

/**
 * The mounts of a review: the contract's shape with its path rule as one pattern. The service then
 * checks what no schema says (no volume or path twice: a denial, MOUNT_PATH_COLLISION).
 */
const mountsSchema = z
  .array(
    z.strictObject({
      id: dataVolumeIdSchema,
      mountPath: z.string().min(2).max(1024).regex(MOUNT_PATH, 'must be an absolute path (start with /) without . or .. segments'),
    }),
  )
  .min(1)
  .max(MAX_WORKLOAD_VOLUMES);

// eslint-disable-next-line no-control-regex -- NUL is what the pattern refuses, on purpose
const NO_NUL = /^[^\u0000]*$/;
const jsonText = z.string().regex(NO_NUL, 'must not hold a NUL character');
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/**
 * Any JSON value as the platform's transport takes it (decision 0015): no NUL in a string or a key
 * (and no `__proto__` key, at most 64 levels deep, which no pattern can say; the service names them).
 * Named, so the description refers to it recursively.
 */
const jsonValueSchema: z.ZodType<JsonValue> = nameApiSchema(
  z.lazy(() => z.union([jsonText, z.number(), z.boolean(), z.null(), z.array(jsonValueSchema), z.record(jsonText, jsonValueSchema)])),
  'JsonValue',
);

/** `POST /api/dv/v1/admission/review`: dv.workload-admission.review's request; `subject` absent is the caller. */
const jsonObjectSchema = z.record(jsonText, jsonValueSchema);

/** The platform's own kinds, which list their data volumes in `spec.storage.dataVolume` (never beside the workload). */
const NATIVE_KINDS = ['Workspace', 'Training', 'DistributedTraining', 'Inference'] as const;

/** A native workload: any JSON object whose kind is a native one and whose spec lists the mounts. */
const nativeWorkloadSchema = z.intersection(
  jsonObjectSchema,
  z.object({
    kind: z.enum(NATIVE_KINDS),
    spec: z.intersection(jsonObjectSchema, z.object({ storage: z.intersection(jsonObjectSchema, z.object({ dataVolume: mountsSchema })) })),
  }),
);

const reviewFields = { projectId: idSchema, subject: subjectSchema.optional(), workloadId: idSchema.optional(), dryRun: z.boolean().optional() };

/**
 * `POST /api/dv/v1/admission/review`: dv.workload-admission.review's request; `subject` absent is the
 * caller. The mounts are asked for in one of two ways, and the body says which: beside any workload
 * (`dataVolumes`), or in a native workload's `spec.storage.dataVolume`. (The webhook's annotation is
 * the Kubernetes API server's way, not this call's.)
 */
export const reviewBesideBodySchema = z.strictObject({ workload: jsonObjectSchema, dataVolumes: mountsSchema, ...reviewFields });
export const reviewNativeBodySchema = z.strictObject({ workload: nativeWorkloadSchema, ...reviewFields });
/** What the description says (either form); the controller parses the one the body chose, so a 400 names the field. */
export const reviewBodySchema = z.union([reviewBesideBodySchema, reviewNativeBodySchema]);

/** `GET /api/dv/v1/audit/verify`: a range of sequences (the whole chain by default), optionally held to DV_AUDIT; toSeq before fromSeq is an empty range. */
export const verifyQuerySchema = z.object({
  fromSeq: queryInt({ min: 1 }).optional(),
  toSeq: queryInt({ min: 1 }).optional(),
  againstStream: queryBool.optional(),
});

/** `{projectId}` of `/api/dv/v1/projects/{projectId}/pvcs`. */
export const projectIdParamsSchema = z.object({ projectId: idSchema });
