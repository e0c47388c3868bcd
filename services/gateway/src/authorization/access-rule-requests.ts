import {
  ACCESS_RULE_FIELDS,
  AuthzRpc,
  MAX_BATCH_RULES,
  type RpcRequestInput,
  idSchema,
  newAccessRuleSchema,
  roleIdSchema,
  scopeRefSchema,
  scopeTypeSchema,
  subjectTypeSchema,
} from '@dv/contracts';
import { z } from 'zod';
import { queryBool, queryInt } from '../api/parse-query';
import { queryFilterBy } from '../api/query-filter';
import { parseOrThrow } from '../http/validate';
import { queryText } from './query-text';

/** The path parameters of `/access-rules/{id}`: the reference's integer id (our rule's number, docs/decisions/0022). */
export const accessRuleIdParamsSchema = z.object({ id: queryInt({ min: 1 }).describe('The access rule id (an integer).') });

/** The `{id}` as authz takes a rule number: its digits. */
export function accessRuleIdOf(raw: string): string {
  return String(parseOrThrow(accessRuleIdParamsSchema, { id: raw }, 'id').id);
}

/** `POST /access-rules`: the reference's fields, nothing else (an unknown field is refused by name). */
export const createAccessRuleBodySchema = z.strictObject(newAccessRuleSchema.shape);

/** The filters `GET /access-rules` and `/count` share (the contract's, as query strings). */
const filterFields = {
  subjectType: subjectTypeSchema.optional(),
  subjectIdFilter: queryText(253).optional().describe('Subject ids containing this text (case-insensitive).'),
  subjectIds: z.array(idSchema).max(100).optional().describe('Only these subjects (the parameter repeated).'),
  scopeType: scopeTypeSchema.optional(),
  scopeId: idSchema.optional(),
  roleId: queryInt({ min: 1 }).optional(),
  clusterId: idSchema.optional(),
  includeDeleted: queryBool.optional(),
  lastUpdated: z.iso.datetime({ offset: true }).optional().describe('Only rules created or deleted at or after this time (ISO 8601).'),
  // Items as a pattern the API description shows (field and operator), not only the contract's refinement.
  filterBy: queryFilterBy(ACCESS_RULE_FIELDS).optional(),
  search: queryText(256).optional().describe('Subject id, role name or scope name contains it.'),
};

export const accessRuleCountQuerySchema = z.object(filterFields);

export const accessRuleListQuerySchema = z.object({
  ...filterFields,
  sortBy: z.enum(ACCESS_RULE_FIELDS).optional(),
  sortOrder: z.enum(['asc', 'desc']).optional(),
  offset: queryInt({ min: 0 }).optional(),
  limit: queryInt({ min: 1, max: 500 }).optional().describe('1 to 500, default 50.'),
});

export type AccessRuleListRequest = RpcRequestInput<typeof AuthzRpc.listAccessRules>;

/** A parsed list or count query as dv.authz.access-rules.list's request, then checked by the contract (filter fields name `filterBy[i]`). */
export function accessRuleListRequest(query: z.output<typeof accessRuleListQuerySchema>): AccessRuleListRequest {
  const request: AccessRuleListRequest = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined) Object.assign(request, { [key]: value });
  parseOrThrow(AuthzRpc.listAccessRules.request, request, 'query');
  return request;
}

/** `POST /access-rules/batch`: at most 100 ids, deleted or only checked (`validate_delete`, which changes nothing). */
export const MAX_BATCH_IDS = 100;
export const accessRuleBatchBodySchema = z.strictObject({
  ids: z.array(z.number().int().positive()).min(1).max(MAX_BATCH_IDS),
  action: z.enum(['delete', 'validate_delete']),
});

/**
 * `POST /access-rules/batch-create`: one rule per subject × scope. At most 100 subjects and 100 scopes;
 * of the pairs (subject by subject, each with every scope in order) the first 100 are made (the
 * contract's bound per call) and any after fail alone with 400: a limit on a product is none a client
 * can read from the API description, a limit per item is.
 */
export const accessRuleBatchCreateBodySchema = z.strictObject({
  payload: z.strictObject({
    roleId: roleIdSchema,
    clusterId: idSchema.optional(),
    subjects: z
      .array(z.strictObject({ subjectId: idSchema, subjectType: subjectTypeSchema }))
      .min(1)
      .max(MAX_BATCH_RULES),
    scopes: z.array(z.strictObject(scopeRefSchema.shape)).min(1).max(MAX_BATCH_RULES),
  }),
});

/** `GET /me/access-rules`: the caller's own rules, searched and paged at the edge (the contract answers them all). */
export const myAccessRulesQuerySchema = z.object({
  limit: queryInt({ min: 1, max: 500 }).optional().describe('1 to 500, default 50.'),
  offset: queryInt({ min: 0 }).optional(),
  search: queryText(256).optional().describe('Subject id, role name or scope name contains it (case-insensitive).'),
});
export const myAccessRulesCountQuerySchema = myAccessRulesQuerySchema.pick({ search: true });
