import { z } from 'zod';
import { defineRpc } from '../rpc/define-rpc';
import { idSchema } from '../rpc/identity';
import { listQuerySchema } from '../query/list-query';
import { revisionSchema } from '../authz/authz-schemas';
import {
  dataVolumeDescriptionSchema,
  dataVolumeIdSchema,
  dataVolumeNameSchema,
  dataVolumeSchema,
  kubeObjectNameSchema,
  publicDataVolumeSchema,
} from './volume-schemas';

/** The reference's sort and filter fields of data volume lists. */
export const DATA_VOLUME_FIELDS = ['name', 'projectId', 'clusterId', 'departmentId', 'projectName', 'createdAt', 'createdBy', 'phase'] as const;
export type DataVolumeField = (typeof DATA_VOLUME_FIELDS)[number];

export const DATA_VOLUME_REQUEST_TYPES = ['Originated', 'UsableInProject'] as const;

/** The fields a patch may carry: everything else of a data volume is immutable. */
export const DATA_VOLUME_MUTABLE_FIELDS = ['description'] as const;

/** `atLeast`: the authz revision (e.g. of a rule just granted) the authorization check must have seen. */
const atLeast = { atLeast: revisionSchema.optional() };

const listQuery = listQuerySchema(DATA_VOLUME_FIELDS, { maxLimit: 500, defaultLimit: 50 })
  .extend({
    requestType: z.enum(DATA_VOLUME_REQUEST_TYPES).default('Originated'),
    usableInProjectId: idSchema.optional(),
    ...atLeast,
  })
  .superRefine((q, ctx) => {
    if (q.requestType === 'UsableInProject' && q.usableInProjectId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['usableInProjectId'], message: 'is required with requestType UsableInProject' });
    }
  });

/** A write's reply: the volume after the change and the revision (stream sequence of its event). */
const writeReply = z.object({ volume: dataVolumeSchema, revision: revisionSchema });

export const createDataVolumeSchema = z.object({
  name: dataVolumeNameSchema,
  description: dataVolumeDescriptionSchema.optional(),
  projectId: idSchema,
  originPvcName: kubeObjectNameSchema,
  useOriginalVolume: z.boolean().default(true),
  ...atLeast,
});

/**
 * A PVC a data volume can be made from: Bound, in the project's namespace, not one of the platform's own
 * copies. Size is the claim's bound capacity (status.capacity.storage).
 */
export const originPvcSchema = z.object({
  name: kubeObjectNameSchema,
  capacity: z.string(),
  storageClassName: z.string(),
  volumeName: z.string(),
  createdAt: z.string().optional(),
});
export type OriginPvcSummary = z.infer<typeof originPvcSchema>;

export const VolumeRpc = {
  create: defineRpc({
    subject: 'dv.volume.create',
    audit: { operation: 'create' },
    request: createDataVolumeSchema,
    reply: writeReply,
    description:
      'Creates a data volume from a Bound PVC of the project (datavolumes create in a scope containing it). The reply is phase Creating; the reconciler makes it Ready.',
  }),
  get: defineRpc({
    subject: 'dv.volume.get',
    request: z.object({ id: dataVolumeIdSchema, ...atLeast }),
    reply: dataVolumeSchema,
    description: 'One data volume (datavolumes read in a scope containing its origin project).',
  }),
  list: defineRpc({
    subject: 'dv.volume.list',
    request: listQuery,
    reply: z.object({ next: z.number().int().optional(), totalRecords: z.number().int(), datavolumes: z.array(dataVolumeSchema) }),
    description:
      'Originated: volumes whose origin project lies in the scopes where the caller may read data volumes. UsableInProject: volumes originating in (later: shared with) the project.',
  }),
  listPage: defineRpc({
    subject: 'dv.volume.list-page',
    request: listQuery,
    reply: z.object({ next: z.number().int().min(0).optional(), datavolumes: z.array(publicDataVolumeSchema) }),
    description:
      'The same list as dv.volume.list, as the public API answers it (GET /api/v1/datavolumes): the volumes without their internal fields nor sharedScopes, no totalRecords. The gateway forwards its bytes (docs/decisions/0033).',
  }),
  count: defineRpc({
    subject: 'dv.volume.count',
    request: listQuery,
    reply: z.object({ count: z.number().int() }),
    description: 'How many volumes the same list query would return (paging ignored).',
  }),
  nameAvailability: defineRpc({
    subject: 'dv.volume.name-availability',
    request: z.object({ name: dataVolumeNameSchema, clusterId: idSchema }),
    reply: z.object({ available: z.literal(true) }),
    description: 'Whether a name is free in a cluster: available, or CONFLICT.',
  }),
  originPvcs: defineRpc({
    subject: 'dv.volume.origin-pvcs',
    request: z.object({ projectId: idSchema, ...atLeast }),
    reply: z.object({ projectId: idSchema, namespace: z.string(), pvcs: z.array(originPvcSchema) }),
    description:
      "The Bound PVCs of the project's namespace a data volume can be created from (datavolumes create in a scope containing the project), by name; the platform's own copies are left out.",
  }),
  update: defineRpc({
    subject: 'dv.volume.update',
    audit: { operation: 'update' },
    request: z.looseObject({ id: dataVolumeIdSchema, description: dataVolumeDescriptionSchema, ...atLeast }).superRefine((body, ctx) => {
      for (const key of Object.keys(body)) {
        if (key !== 'id' && key !== 'atLeast' && !(DATA_VOLUME_MUTABLE_FIELDS as readonly string[]).includes(key)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `is immutable: only ${DATA_VOLUME_MUTABLE_FIELDS.join(', ')} can be changed` });
        }
      }
    }),
    reply: writeReply,
    description: 'Changes the description (the only mutable field; anything else is VALIDATION_FAILED naming the field).',
  }),
  delete: defineRpc({
    subject: 'dv.volume.delete',
    audit: { operation: 'delete' },
    request: z.object({ id: dataVolumeIdSchema, ...atLeast }),
    reply: writeReply,
    description: 'Starts deleting a data volume (phase Deleting); it is gone once its PV copy and PVC are released.',
  }),
} as const;

/**
 * Asked before a delete: does any workload use this volume? Answered by workload admission
 * (from its usage records). What the volume service does without an answer is its VOLUME_USAGE_CHECK setting.
 */
export const VolumeUsageRpc = {
  usage: defineRpc({
    subject: 'dv.admission.usage',
    request: z.object({ volumeId: dataVolumeIdSchema }),
    reply: z.object({
      inUse: z.boolean(),
      workloads: z
        .array(z.object({ namespace: z.string(), name: z.string(), kind: z.string() }))
        .max(100)
        .default([]),
    }),
    description: 'Which workloads mount a data volume (answered by workload admission).',
  }),
} as const;
