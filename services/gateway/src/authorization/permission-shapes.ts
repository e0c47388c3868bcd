import { type PermittedScopeSet, actionSchema, idSchema, permissionSchema, resourceTypeSchema } from '@dv/contracts';
import { z } from 'zod';

/** `GET /permissions`: the caller's permissions, one entry per resource type it may act on somewhere. */
export const myPermissionsAnswerSchema = z.array(permissionSchema);

/** `POST /permitted-scopes`: the resource type, and one action or (absent) all four. */
export const permittedScopesBodySchema = z.strictObject({ resourceType: resourceTypeSchema, action: actionSchema.optional() });

/**
 * The reference's scope set: ours (system, tenants, clusters, departments, projects, each with
 * everything below the rules that grant it) and `tenant`, true when some tenant is permitted as a whole.
 */
export const publicScopeSetSchema = z.object({
  system: z.boolean(),
  tenants: z.array(idSchema),
  tenant: z.boolean(),
  clusters: z.array(idSchema),
  departments: z.array(idSchema),
  projects: z.array(idSchema),
});
export type PublicScopeSet = z.output<typeof publicScopeSetSchema>;

export const permittedScopesAnswerSchema = z.object({
  create: publicScopeSetSchema.optional(),
  read: publicScopeSetSchema.optional(),
  update: publicScopeSetSchema.optional(),
  delete: publicScopeSetSchema.optional(),
});

export function publicScopeSet(set: PermittedScopeSet): PublicScopeSet {
  return {
    system: set.system,
    tenants: set.tenants,
    tenant: set.tenants.length > 0,
    clusters: set.clusters,
    departments: set.departments,
    projects: set.projects,
  };
}
