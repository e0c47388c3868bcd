import { type Role, permissionSchema, roleIdSchema } from '@dv/contracts';
import { z } from 'zod';

/**
 * A role as the reference shows it (API 1.224): our catalog role, plus what a predefined role always
 * says there: never edited (`updatedAt` = `createdAt`), not custom, enabled, and no Kubernetes role of
 * its own (`predefinedRole` null: the platform grants nothing in Kubernetes RBAC). Our `legacyNames`
 * are left out (docs/decisions/0022).
 */
export const publicRoleSchema = z.object({
  id: roleIdSchema,
  name: z.string(),
  description: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  custom: z.boolean().describe('Always false: roles are predefined.'),
  effectiveEnabled: z.boolean(),
  kubernetesPermissions: z.object({ predefinedRole: z.string().nullable() }),
  permissions: z.array(permissionSchema),
});
export type PublicRole = z.output<typeof publicRoleSchema>;

export function publicRole(role: Role): PublicRole {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    createdAt: role.createdAt,
    updatedAt: role.createdAt,
    createdBy: role.createdBy,
    custom: false,
    effectiveEnabled: true,
    kubernetesPermissions: { predefinedRole: null },
    permissions: role.permissions,
  };
}
