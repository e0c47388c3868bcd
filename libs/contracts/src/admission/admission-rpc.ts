import { z } from 'zod';
import { defineRpc } from '../rpc/define-rpc';
import { revisionSchema } from '../authz/authz-schemas';
import { idSchema } from '../rpc/identity';
import {
  bindingSchema,
  dataVolumeMountListSchema,
  denialReasonSchema,
  jsonPatchOpSchema,
  reviewSubjectSchema,
  reviewedWorkloadSchema,
} from './admission-schemas';
import { dataVolumeIdSchema } from '../volume/volume-schemas';

/** Any JSON object: the workload as its author wrote it (size-checked by the service). */
const workloadObjectSchema = z.record(z.string(), z.unknown());

export const AdmissionRpc = {
  review: defineRpc({
    subject: 'dv.workload-admission.review',
    audit: { operation: 'admit' },
    request: z
      .object({
        /** The platform's native spec (`spec.storage.dataVolume: [{id, mountPath}]`) or a Kubernetes object of a permitted kind. */
        workload: workloadObjectSchema,
        projectId: idSchema,
        /**
         * Who submits the workload. A service account (the platform's workload service) reviews on
         * behalf of anyone; anybody else only for themselves.
         */
        subject: reviewSubjectSchema,
        /**
         * For Kubernetes objects: the volumes to mount (else the `dv.platform/data-volumes` annotation).
         * Native kinds list them in their spec. A volume or a path asked twice is a denial
         * (MOUNT_PATH_COLLISION), like any other reason the workload cannot be admitted as asked.
         */
        dataVolumes: dataVolumeMountListSchema.optional(),
        workloadId: idSchema.optional(),
        /** Decide and patch, but make no binding, record no usage and publish no event. */
        dryRun: z.boolean().default(false),
        /** Wait until authz, sharing and this service have seen at least this revision (a rule just granted, a volume just shared). */
        atLeast: revisionSchema.optional(),
      })
      .strict(),
    reply: z.object({
      reviewId: z.uuid(),
      allowed: z.boolean(),
      /** Every reason, when denied (empty when allowed). */
      reasons: z.array(denialReasonSchema),
      /** When allowed: the workload with the mounts added, and the RFC 6902 patch (add operations only) that makes it. */
      workload: z.record(z.string(), z.unknown()).optional(),
      patch: z.array(jsonPatchOpSchema).optional(),
      bindings: z.array(bindingSchema),
    }),
    description:
      'Reviews a workload that asks for data volumes: authz, sharing and readiness for each volume in parallel; admitted → bindings ensured and the patched workload; denied → every reason with a code.',
  }),
  usage: defineRpc({
    subject: 'dv.workload-admission.usage',
    request: z.object({ volumeId: dataVolumeIdSchema }).strict(),
    reply: z.object({ volumeId: dataVolumeIdSchema, workloads: z.array(reviewedWorkloadSchema), bindings: z.array(bindingSchema) }),
    description: 'The workloads admitted with a data volume that are not finished or deleted yet, and its bindings (for data volume administrators).',
  }),
} as const;
