import { z } from 'zod';
import { defineEvent } from '../events/define-event';
import { idSchema } from '../rpc/identity';
import { namespaceSchema } from '../org/scope';

/** Events of the platform's workload service (not ours: we consume them). */
export const workloadRefSchema = z.object({
  workloadId: idSchema,
  name: z.string().min(1).max(253),
  kind: z.string().min(1).max(63),
  apiVersion: z.string().min(1).max(253).optional(),
  projectId: idSchema,
  namespace: namespaceSchema,
});
export type WorkloadRef = z.output<typeof workloadRefSchema>;

export const WORKLOAD_OUTCOMES = ['Succeeded', 'Failed', 'Stopped'] as const;

export const WorkloadEvents = {
  started: defineEvent({
    type: 'platform.evt.workload.started.v1',
    data: workloadRefSchema,
    description: 'A workload started running.',
  }),
  finished: defineEvent({
    type: 'platform.evt.workload.finished.v1',
    data: workloadRefSchema.extend({ outcome: z.enum(WORKLOAD_OUTCOMES) }),
    description: 'A workload finished; its pods no longer mount anything.',
  }),
  deleted: defineEvent({
    type: 'platform.evt.workload.deleted.v1',
    data: workloadRefSchema,
    description: 'A workload was deleted.',
  }),
} as const;
