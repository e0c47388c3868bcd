import { z } from 'zod';
import { defineRpc } from '../rpc/define-rpc';
import { idSchema, subjectTypeSchema } from '../rpc/identity';
import { scopeRefSchema, scopeTypeSchema } from '../org/scope';
import { listQuerySchema } from '../query/list-query';
import { actionSchema, resourceTypeSchema } from './catalog';
import {
  accessRuleSchema,
  checkItemSchema,
  decisionSchema,
  newAccessRuleSchema,
  permissionSchema,
  permittedScopeSetSchema,
  principalSchema,
  revisionSchema,
  roleIdSchema,
  roleSchema,
  ruleRefSchema,
} from './authz-schemas';

export const MAX_BATCH_CHECKS = 100;
export const ROLES_CSV_MAX_ROWS = 20_000;

export const ROLE_FIELDS = ['id', 'name', 'description', 'createdBy', 'createdAt'] as const;
export const ACCESS_RULE_FIELDS = [
  'subjectType',
  'subjectId',
  'roleId',
  'roleName',
  'scopeType',
  'scopeId',
  'scopeName',
  'clusterId',
  'tenantId',
  'createdBy',
  'createdAt',
  'status',
] as const;

const roleListQuery = listQuerySchema(ROLE_FIELDS, { maxLimit: 500, defaultLimit: 50 }).extend({
  /** Column choice: the fields each returned role carries (id always). */
  columns: z
    .array(z.enum([...ROLE_FIELDS, 'permissions', 'legacyNames']))
    .max(10)
    .optional(),
});

/** A write's reply: the rule and the revision a later read or check can ask to have seen. */
/** The most rules one batch-create makes (subjects × scopes): each is a write with its event. */
export const MAX_BATCH_RULES = 100;

const writeReply = <T extends z.ZodType>(rule: T) => z.object({ rule, revision: revisionSchema });

export const AuthzRpc = {
  check: defineRpc({
    subject: 'dv.authz.check',
    request: checkItemSchema.extend({ atLeast: revisionSchema.optional() }),
    reply: decisionSchema,
    description: 'Is this subject allowed this action on this resource type in this scope? With the explanation.',
  }),
  checkBatch: defineRpc({
    subject: 'dv.authz.check-batch',
    request: z.object({ checks: z.array(checkItemSchema).min(1).max(MAX_BATCH_CHECKS), atLeast: revisionSchema.optional() }),
    reply: z.object({ decisions: z.array(decisionSchema) }),
    description: `Up to ${MAX_BATCH_CHECKS} checks in one request; decisions in request order.`,
  }),
  permittedScopes: defineRpc({
    subject: 'dv.authz.permitted-scopes',
    request: z.object({ subject: principalSchema, resourceType: resourceTypeSchema, action: actionSchema.optional(), atLeast: revisionSchema.optional() }),
    reply: z.object({
      create: permittedScopeSetSchema.optional(),
      read: permittedScopeSetSchema.optional(),
      update: permittedScopeSetSchema.optional(),
      delete: permittedScopeSetSchema.optional(),
    }),
    description: 'Every scope (with everything below the rules that grant it) where the subject may act on the resource type.',
  }),
  whoCan: defineRpc({
    subject: 'dv.authz.who-can',
    request: z.object({ action: actionSchema, resourceType: resourceTypeSchema, scope: scopeRefSchema, atLeast: revisionSchema.optional() }),
    reply: z.object({
      subjects: z.array(z.object({ subjectType: subjectTypeSchema, subjectId: idSchema, via: z.array(ruleRefSchema) })),
    }),
    description: 'The subjects, through which rules, that may do an action on a resource type in a scope.',
  }),
  listRoles: defineRpc({
    subject: 'dv.authz.roles.list',
    request: roleListQuery,
    reply: z.object({ totalRecords: z.number().int(), displayRecords: z.number().int(), roles: z.array(roleSchema.partial().extend({ id: roleIdSchema })) }),
    description: 'The predefined roles, with filter, search, sort, column choice and paging.',
  }),
  getRole: defineRpc({
    subject: 'dv.authz.roles.get',
    request: z.object({ id: z.union([roleIdSchema, z.string().min(1).max(128)]) }),
    reply: roleSchema,
    description: 'One role by id, by name, or by a legacy name of an older release.',
  }),
  exportRolesCsv: defineRpc({
    subject: 'dv.authz.roles.export-csv',
    request: roleListQuery.omit({ offset: true, limit: true }),
    reply: z.object({ csv: z.string(), rows: z.number().int(), truncated: z.boolean() }),
    description: 'The roles table as CSV (the chosen columns), capped at 20,000 rows.',
  }),
  mutateRole: defineRpc({
    subject: 'dv.authz.roles.mutate',
    audit: { operation: 'mutate-role' },
    request: z.object({ operation: z.enum(['create', 'update', 'delete']), id: z.union([roleIdSchema, z.string()]).optional() }).passthrough(),
    reply: z.object({}),
    description: 'Always refused: roles are predefined and cannot be created, edited or deleted.',
  }),
  createAccessRule: defineRpc({
    subject: 'dv.authz.access-rules.create',
    audit: { operation: 'create' },
    request: newAccessRuleSchema,
    reply: writeReply(accessRuleSchema),
    description: 'Adds "subject is a role in a scope". Rules are immutable; CONFLICT when the same rule exists.',
  }),
  batchCreateAccessRules: defineRpc({
    subject: 'dv.authz.access-rules.batch-create',
    audit: { operation: 'create' },
    request: z
      .object({
        roleId: roleIdSchema,
        clusterId: idSchema.optional(),
        subjects: z
          .array(z.object({ subjectId: idSchema, subjectType: subjectTypeSchema }))
          .min(1)
          .max(MAX_BATCH_RULES),
        scopes: z.array(scopeRefSchema).min(1).max(MAX_BATCH_RULES),
      })
      .refine((r) => r.subjects.length * r.scopes.length <= MAX_BATCH_RULES, {
        message: `at most ${MAX_BATCH_RULES} rules (subjects × scopes) per batch`,
        path: ['subjects'],
      }),
    reply: z.object({
      succeeded: z.array(accessRuleSchema),
      failed: z.array(
        z.object({
          subjectId: idSchema,
          subjectType: subjectTypeSchema,
          scopeType: scopeTypeSchema,
          scopeId: idSchema,
          error: z.object({ code: z.string(), message: z.string() }),
        }),
      ),
      revision: revisionSchema,
    }),
    description: 'One rule per subject × scope, each succeeding or failing on its own.',
  }),
  getAccessRule: defineRpc({
    subject: 'dv.authz.access-rules.get',
    /** The rule's id, or its number (digits). */
    request: z.object({ id: z.string().min(1).max(64), atLeast: revisionSchema.optional() }),
    reply: accessRuleSchema.extend({
      /** The ids of the rule's scope and its ancestors below the system, `/`-separated: `t1/c1/d1/p1` (empty for the system). */
      scopePath: z.string().optional(),
    }),
    description: 'One access rule, with its scope path.',
  }),
  deleteAccessRule: defineRpc({
    subject: 'dv.authz.access-rules.delete',
    audit: { operation: 'delete' },
    /** The rule's id, or its number (digits). */
    request: z.object({ id: z.string().min(1).max(64) }),
    reply: writeReply(accessRuleSchema),
    description: 'Deletes a rule; it stops granting on every replica that has applied the returned revision.',
  }),
  listAccessRules: defineRpc({
    subject: 'dv.authz.access-rules.list',
    request: listQuerySchema(ACCESS_RULE_FIELDS, { maxLimit: 500, defaultLimit: 50 }).extend({
      subjectType: subjectTypeSchema.optional(),
      subjectIdFilter: z.string().max(253).optional(),
      subjectIds: z.array(idSchema).max(100).optional(),
      scopeType: scopeTypeSchema.optional(),
      scopeId: idSchema.optional(),
      roleId: roleIdSchema.optional(),
      clusterId: idSchema.optional(),
      includeDeleted: z.boolean().default(false),
      /** Only rules created or deleted at or after this time (ISO 8601). */
      lastUpdated: z.iso.datetime({ offset: true }).optional(),
      atLeast: revisionSchema.optional(),
    }),
    reply: z.object({ totalRecords: z.number().int(), displayRecords: z.number().int(), accessRules: z.array(accessRuleSchema) }),
    description: 'Access rules the caller may view, filtered, sorted and paged.',
  }),
  myPermissions: defineRpc({
    subject: 'dv.authz.permissions.mine',
    request: z.object({ atLeast: revisionSchema.optional() }),
    reply: z.object({ permissions: z.array(permissionSchema) }),
    description: "The caller's permissions summary: per resource type, the actions some live scope grants it (its rules and its groups').",
  }),
  myAccessRules: defineRpc({
    subject: 'dv.authz.access-rules.mine',
    request: z.object({ atLeast: revisionSchema.optional() }),
    reply: z.object({ accessRules: z.array(accessRuleSchema) }),
    description: "The caller's own rules, directly or through its groups.",
  }),
} as const;
