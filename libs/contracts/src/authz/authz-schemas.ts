import { z } from 'zod';
import { idSchema, subjectTypeSchema } from '../rpc/identity';
import { scopeRefSchema, scopeTypeSchema } from '../org/scope';
import { actionSchema, resourceTypeSchema } from './catalog';

/**
 * "At least this revision": a read or check waits (bounded) until this replica has applied the
 * events up to these stream sequences. `events` is our domain stream (access-rule writes),
 * `platform` the org stream (scopes created, moved, deleted).
 */
export const revisionSchema = z.object({
  events: z.number().int().nonnegative().optional(),
  platform: z.number().int().nonnegative().optional(),
});
export type Revision = z.output<typeof revisionSchema>;

/** The subject a decision is about: its id and type, and the groups it belongs to. */
export const principalSchema = z.object({
  subjectId: idSchema,
  subjectType: subjectTypeSchema.exclude(['group']),
  groups: z.array(idSchema).max(256).default([]),
});
export type Principal = z.output<typeof principalSchema>;

export const roleIdSchema = z.number().int().positive();

export const scopePathEntrySchema = z.object({ scopeType: scopeTypeSchema, scopeId: idSchema, name: z.string() });
export type ScopePathEntry = z.output<typeof scopePathEntrySchema>;

export const ruleRefSchema = z.object({
  ruleId: z.string(),
  subjectType: subjectTypeSchema,
  subjectId: idSchema,
  roleId: roleIdSchema,
  roleName: z.string(),
  scopeType: scopeTypeSchema,
  scopeId: idSchema,
});
export type RuleRef = z.output<typeof ruleRefSchema>;

export const checkItemSchema = z.object({
  subject: principalSchema,
  action: actionSchema,
  resourceType: resourceTypeSchema,
  scope: scopeRefSchema,
});
export type CheckItem = z.output<typeof checkItemSchema>;

/** A decision and why: the deciding rule, its role and the scope path from the system down to the target. */
export const decisionSchema = z.object({
  allowed: z.boolean(),
  reason: z.enum(['granted', 'no-matching-rule']),
  message: z.string(),
  grantedBy: ruleRefSchema.optional(),
  scopePath: z.array(scopePathEntrySchema),
});
export type Decision = z.output<typeof decisionSchema>;

export const permittedScopeSetSchema = z.object({
  system: z.boolean(),
  tenants: z.array(idSchema),
  clusters: z.array(idSchema),
  departments: z.array(idSchema),
  projects: z.array(idSchema),
});
export type PermittedScopeSet = z.output<typeof permittedScopeSetSchema>;

export const permissionSchema = z.object({
  resourceType: resourceTypeSchema,
  displayName: z.string(),
  groupId: z.string(),
  actions: z.array(actionSchema),
});

export const roleSchema = z.object({
  id: roleIdSchema,
  name: z.string(),
  description: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  legacyNames: z.array(z.string()),
  permissions: z.array(permissionSchema),
});
export type Role = z.output<typeof roleSchema>;

export const ACCESS_RULE_STATUSES = ['active', 'deleted'] as const;

export const accessRuleSchema = z.object({
  id: z.string(),
  /**
   * The rule's number: unique, given at creation in increasing order (gaps possible), never reused; the
   * REST API's integer rule id. Every rule made by this version has one.
   */
  number: z.number().int().positive().optional(),
  subjectType: subjectTypeSchema,
  subjectId: idSchema,
  roleId: roleIdSchema,
  roleName: z.string(),
  scopeType: scopeTypeSchema,
  scopeId: idSchema,
  scopeName: z.string(),
  clusterId: idSchema.optional(),
  tenantId: idSchema.optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  deletedAt: z.string().optional(),
  deletedBy: z.string().optional(),
  status: z.enum(ACCESS_RULE_STATUSES),
});
export type AccessRule = z.output<typeof accessRuleSchema>;

export const newAccessRuleSchema = z.object({
  subjectId: idSchema,
  subjectType: subjectTypeSchema,
  roleId: roleIdSchema,
  scopeType: scopeTypeSchema,
  scopeId: idSchema,
  /** Optional cross-check: when given it must be the cluster the scope lies in. */
  clusterId: idSchema.optional(),
});
