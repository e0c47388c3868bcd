import { z } from 'zod';
import { idSchema } from '../rpc/identity';
import { namespaceSchema, scopeRefSchema } from '../org/scope';

/** Data volume names: the reference's pattern, unique per cluster. */
export const dataVolumeNameSchema = z
  .string()
  .regex(/^[a-z][-a-z0-9]{0,62}$/, 'must match ^[a-z][-a-z0-9]{0,62}$ (lower-case letter first, then up to 62 lower-case letters, digits or -)');
export const DATA_VOLUME_DESCRIPTION_MAX = 127;
export const dataVolumeDescriptionSchema = z.string().max(DATA_VOLUME_DESCRIPTION_MAX, `must be at most ${DATA_VOLUME_DESCRIPTION_MAX} characters`);
export const dataVolumeIdSchema = z.uuid();

/** Kubernetes object names (DNS subdomain). */
export const kubeObjectNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes object name (DNS subdomain)');

export const DATA_VOLUME_PHASES = ['Creating', 'Ready', 'NotReady', 'Deleting', 'Unknown'] as const;
export const dataVolumePhaseSchema = z.enum(DATA_VOLUME_PHASES);
export type DataVolumePhase = z.infer<typeof dataVolumePhaseSchema>;

/**
 * A status condition, Kubernetes style. Types used: `ProjectAvailable`, `OriginAvailable`,
 * `PvCopyCreated`, `PvcsCreated`, `Released` (while deleting).
 */
export const dataVolumeConditionSchema = z.object({
  type: z.string().min(1).max(64),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string().max(128).optional(),
  message: z.string().max(1024).optional(),
  lastTransitionTime: z.iso.datetime({ offset: true }),
});
export type DataVolumeCondition = z.output<typeof dataVolumeConditionSchema>;

export const dataVolumeStatusSchema = z.object({
  phase: dataVolumePhaseSchema,
  phaseMessage: z.string().max(1024).optional(),
  conditions: z.array(dataVolumeConditionSchema),
  /** The PVC workloads of the origin project mount: the copy, or the origin PVC itself with useOriginalVolume. */
  datavolumePvcName: kubeObjectNameSchema.optional(),
  datavolumePvName: kubeObjectNameSchema.optional(),
});
export type DataVolumeStatus = z.output<typeof dataVolumeStatusSchema>;

/** What the origin PV offered when the volume was created: the copy reproduces it. */
export const dataVolumeStorageSchema = z.object({
  originPvName: kubeObjectNameSchema,
  /** e.g. `10Gi`. */
  capacity: z.string().min(1).max(64),
  storageClassName: z.string().max(253),
  accessModes: z.array(z.string().max(64)).max(8),
  volumeMode: z.string().max(32).optional(),
  mountOptions: z.array(z.string().max(256)).max(64).optional(),
  /** The PV's volume source (nfs, csi, hostPath, …) exactly as the origin PV has it, and its node affinity if any. */
  source: z.record(z.string(), z.unknown()),
  nodeAffinity: z.record(z.string(), z.unknown()).optional(),
});
export type DataVolumeStorage = z.output<typeof dataVolumeStorageSchema>;

/** A shared scope as returned (from the sharing service's list). */
export const sharedScopeSchema = scopeRefSchema.extend({
  scopeName: z.string().optional(),
  createdAt: z.string().optional(),
  createdBy: z.string().optional(),
});

export const dataVolumeSchema = z.object({
  id: dataVolumeIdSchema,
  name: dataVolumeNameSchema,
  description: z.string().max(DATA_VOLUME_DESCRIPTION_MAX).optional(),
  projectId: idSchema,
  projectName: z.string(),
  departmentId: idSchema,
  clusterId: idSchema,
  namespace: namespaceSchema,
  originPvcName: kubeObjectNameSchema,
  useOriginalVolume: z.boolean(),
  storage: dataVolumeStorageSchema,
  /** get and list: from the sharing service, only the scopes the caller may view; empty in write replies. */
  sharedScopes: z.array(sharedScopeSchema),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  status: dataVolumeStatusSchema,
  /** The aggregate version (optimistic concurrency; events carry it too). */
  version: z.number().int().positive(),
});
export type DataVolume = z.output<typeof dataVolumeSchema>;

/**
 * A data volume as the public API shows it: without the project's namespace, the origin PV's storage
 * and the aggregate version (internal, docs/decisions/0020), and without `sharedScopes` (lists and
 * patch answers; get and create add them back). The gateway's list page is served in this shape by the
 * volume service itself (`dv.volume.list-page`), so the gateway forwards its bytes (docs/decisions/0033).
 */
export const publicDataVolumeSchema = dataVolumeSchema.omit({ namespace: true, storage: true, version: true, sharedScopes: true });
export type PublicDataVolume = z.output<typeof publicDataVolumeSchema>;
