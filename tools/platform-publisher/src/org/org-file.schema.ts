import { idSchema, namespaceSchema, tenantSchema, userSchema } from '@dv/contracts';
import { z } from 'zod';

/**
 * The YAML file the publisher reads: flat lists, each entity naming its parent by id, so the file
 * reads like the events it becomes and moving an entity is a one-line change. Keys are strict: a
 * typo is an error, not a silently ignored field.
 */
const nameSchema = tenantSchema.shape.name;

/** Project and cluster ids label the project's namespace, so they must be label values too. */
const labelValueIdSchema = idSchema
  .max(63)
  .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be usable as a Kubernetes label value: letters, digits, - _ . and at most 63 characters');

/** Optional: the aggregate version of the entity's first event; raise it to force an update. */
const versionSchema = z.number().int().min(1).optional();

export const orgFileSchema = z.strictObject({
  tenants: z.array(z.strictObject({ id: idSchema, name: nameSchema, version: versionSchema })).default([]),
  clusters: z.array(z.strictObject({ id: labelValueIdSchema, tenantId: idSchema, name: nameSchema, version: versionSchema })).default([]),
  departments: z.array(z.strictObject({ id: idSchema, clusterId: idSchema, name: nameSchema, version: versionSchema })).default([]),
  projects: z
    .array(z.strictObject({ id: labelValueIdSchema, departmentId: idSchema, name: nameSchema, namespace: namespaceSchema, version: versionSchema }))
    .default([]),
  groups: z.array(z.strictObject({ id: idSchema, name: nameSchema, version: versionSchema })).default([]),
  users: z
    .array(z.strictObject({ id: idSchema, email: userSchema.shape.email, groups: z.array(idSchema).max(1000).default([]), version: versionSchema }))
    .default([]),
});

export type OrgFile = z.output<typeof orgFileSchema>;
