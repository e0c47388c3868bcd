import { z } from 'zod';
import { defineEvent } from '../events/define-event';
import { bindingSchema, dataVolumeMountSchema, denialReasonSchema, reviewSubjectSchema, reviewedWorkloadSchema } from './admission-schemas';

const review = z.object({
  reviewId: z.uuid(),
  workload: reviewedWorkloadSchema,
  subject: reviewSubjectSchema,
  dataVolumes: z.array(dataVolumeMountSchema),
  /** `rpc` (the platform asked) or `webhook` (the Kubernetes API server asked). */
  via: z.enum(['rpc', 'webhook']),
});

export const AdmissionEvents = {
  admitted: defineEvent({
    type: 'dv.evt.workload.admitted.v1',
    data: review.extend({ bindings: z.array(bindingSchema) }),
    description: 'A workload was admitted with data volumes: from now on it uses them (until finished or deleted).',
  }),
  denied: defineEvent({
    type: 'dv.evt.workload.denied.v1',
    data: review.extend({ reasons: z.array(denialReasonSchema).min(1) }),
    description: 'A workload asking for data volumes was denied, with every reason.',
  }),
  bindingCreated: defineEvent({
    type: 'dv.evt.binding.created.v1',
    data: bindingSchema,
    description: "A volume's PV copy and PVC were made in a consuming namespace.",
  }),
  bindingRemoved: defineEvent({
    type: 'dv.evt.binding.removed.v1',
    data: bindingSchema.extend({ reason: z.enum(['unshared', 'volume-deleted']) }),
    description: "A volume's binding in a namespace was removed: nothing there uses it, and the volume is no longer usable there.",
  }),
} as const;
