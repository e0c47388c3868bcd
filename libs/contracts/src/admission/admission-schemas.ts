import { z } from 'zod';
import { principalSchema } from '../authz/authz-schemas';
import { idSchema } from '../rpc/identity';
import { namespaceSchema } from '../org/scope';
import { dataVolumeIdSchema, kubeObjectNameSchema } from '../volume/volume-schemas';

/** The most data volumes one workload may request. */
export const MAX_WORKLOAD_VOLUMES = 32;
/** The largest workload (as JSON) a review takes over NATS (whose messages are at most 1 MiB by default). */
export const MAX_WORKLOAD_BYTES = 512 * 1024;

/** The annotation a Kubernetes workload lists its data volumes in: JSON `[{"id": "<uuid>", "mountPath": "/data"}]`. */
export const DATA_VOLUMES_ANNOTATION = 'dv.platform/data-volumes';

/** An absolute, normalized-enough container path: no relative segments, no NUL, no `:` (Windows-style). */
export const mountPathSchema = z
  .string()
  .min(2)
  .max(1024)
  .regex(/^\/[^\0:]*$/, 'must be an absolute path (start with /)')
  .refine((p) => !p.split('/').some((segment) => segment === '..' || segment === '.'), 'must not contain . or .. segments');

/** Collapses repeated slashes and drops a trailing one: `/data//x/` and `/data/x` are the same mount. */
export function normalizeMountPath(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

export const dataVolumeMountSchema = z.object({ id: dataVolumeIdSchema, mountPath: mountPathSchema }).strict();
export type DataVolumeMount = z.output<typeof dataVolumeMountSchema>;

/** A mount list as asked for: 1 to MAX_WORKLOAD_VOLUMES mounts (whether they are distinct is `mountDuplicates`). */
export const dataVolumeMountListSchema = z.array(dataVolumeMountSchema).min(1).max(MAX_WORKLOAD_VOLUMES);

export interface MountDuplicate {
  index: number;
  field: 'id' | 'mountPath';
  message: string;
}

/** The mounts that repeat a volume or a (normalized) path of an earlier one: a workload mounts each volume once, one per path. */
export function mountDuplicates(mounts: readonly DataVolumeMount[]): MountDuplicate[] {
  const ids = new Map<string, number>();
  const paths = new Map<string, number>();
  const found: MountDuplicate[] = [];
  mounts.forEach((m, i) => {
    const sameId = ids.get(m.id);
    if (sameId !== undefined) found.push({ index: i, field: 'id', message: `data volume ${m.id} is requested twice (also at index ${sameId})` });
    else ids.set(m.id, i);
    const normalized = normalizeMountPath(m.mountPath);
    const samePath = paths.get(normalized);
    if (samePath !== undefined)
      found.push({ index: i, field: 'mountPath', message: `mount path ${normalized} is requested twice (also at index ${samePath})` });
    else paths.set(normalized, i);
  });
  return found;
}

/** The requested mounts: distinct volumes, distinct paths (after normalization), at most MAX_WORKLOAD_VOLUMES. */
export const dataVolumeMountsSchema = dataVolumeMountListSchema.superRefine((mounts, ctx) => {
  for (const d of mountDuplicates(mounts)) ctx.addIssue({ code: 'custom', path: [d.index, d.field], message: d.message });
});

/** Why a review was denied: one entry per problem, each with a code a program can act on. */
export const DENIAL_CODES = [
  /** The subject may not create this kind of workload, or may not read data volumes, in the project. */
  'NOT_PERMITTED',
  /** The volume neither originates in the project nor is shared with it or a scope above it. */
  'NOT_SHARED',
  'VOLUME_NOT_FOUND',
  'VOLUME_NOT_READY',
  'PROJECT_NOT_FOUND',
  /** The workload's namespace is not its project's namespace. */
  'NAMESPACE_MISMATCH',
  'MOUNT_PATH_COLLISION',
  'VOLUME_NAME_COLLISION',
  'KIND_NOT_SUPPORTED',
  'NO_POD_SPEC',
  'MALFORMED_WORKLOAD',
  /** The webhook annotation is not a valid mount list. */
  'INVALID_ANNOTATION',
  /**
   * An update changes the data-volumes annotation or the admission-review label: volumes are bound
   * when an object is created, so the object must be re-created to change them.
   */
  'ANNOTATION_IMMUTABLE',
  /** The volume's PV copy or PVC could not be made in the namespace. */
  'BINDING_FAILED',
  /** The workload names a data volume's PVC directly without readOnly (shared data is read-only). */
  'NOT_READ_ONLY',
  /** A service the review needs did not answer (the webhook's answer; over NATS this is an UNAVAILABLE error). */
  'REVIEW_FAILED',
] as const;
export const denialCodeSchema = z.enum(DENIAL_CODES);
export type DenialCode = z.infer<typeof denialCodeSchema>;

export const denialReasonSchema = z.object({
  code: denialCodeSchema,
  message: z.string().max(2048),
  volumeId: z.string().optional(),
  /** A JSON pointer into the workload, where the problem is. */
  path: z.string().max(2048).optional(),
});
export type DenialReason = z.output<typeof denialReasonSchema>;

export const jsonPatchOpSchema = z.object({ op: z.literal('add'), path: z.string(), value: z.unknown() });

/** A volume's binding in a namespace: the PVC workloads there mount (and, outside the origin namespace, its PV copy). */
export const bindingSchema = z.object({
  volumeId: dataVolumeIdSchema,
  namespace: namespaceSchema,
  pvcName: kubeObjectNameSchema,
  /** Absent where the volume's own PVC in its origin namespace is mounted. */
  pvName: kubeObjectNameSchema.optional(),
});
export type Binding = z.output<typeof bindingSchema>;

/** The workload a review is about, as usage records and events name it. */
export const reviewedWorkloadSchema = z.object({
  apiVersion: z.string().max(253).optional(),
  kind: z.string().min(1).max(63),
  name: z.string().max(253),
  namespace: namespaceSchema,
  projectId: idSchema,
  /** The platform's workload id, when the platform's workload service asked. */
  workloadId: idSchema.optional(),
});
export type ReviewedWorkload = z.output<typeof reviewedWorkloadSchema>;

export const reviewSubjectSchema = principalSchema;
