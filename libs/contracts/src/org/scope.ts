import { z } from 'zod';
import { idSchema } from '../rpc/identity';

/** The scope hierarchy, outermost first: system ⊃ tenant ⊃ cluster ⊃ department ⊃ project. */
export const SCOPE_TYPES = ['system', 'tenant', 'cluster', 'department', 'project'] as const;
export const scopeTypeSchema = z.enum(SCOPE_TYPES);
export type ScopeType = z.infer<typeof scopeTypeSchema>;

/** The type of a scope's parent; `system` has none. */
export const PARENT_SCOPE_TYPE: Readonly<Record<ScopeType, ScopeType | null>> = {
  system: null,
  tenant: 'system',
  cluster: 'tenant',
  department: 'cluster',
  project: 'department',
};

export const scopeRefSchema = z.object({ scopeType: scopeTypeSchema, scopeId: idSchema });
export type ScopeRef = z.infer<typeof scopeRefSchema>;

/** Kubernetes namespace names (RFC 1123 labels). */
export const namespaceSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name (RFC 1123 label)');
