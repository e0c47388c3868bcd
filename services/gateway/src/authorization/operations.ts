import { AuthzRpc } from '@dv/contracts';
import { type ApiOperation } from '../api/api-operation';
import { READS_YOUR_WRITES, REVISION_HEADERS } from '../http/revision-header';
import {
  accessRuleBatchBodySchema,
  accessRuleBatchCreateBodySchema,
  accessRuleCountQuerySchema,
  accessRuleIdParamsSchema,
  accessRuleListQuerySchema,
  createAccessRuleBodySchema,
  myAccessRulesCountQuerySchema,
  myAccessRulesQuerySchema,
} from './access-rule-requests';
import { accessRuleBatchAnswerSchema, accessRuleBatchCreateAnswerSchema } from './batch/batch-answers';
import { myAccessRulesAnswerSchema } from './me/my-access-rules.controller';
import { myPermissionsAnswerSchema, permittedScopesAnswerSchema, permittedScopesBodySchema } from './permission-shapes';
import { myPermissionsQuerySchema } from './permissions/my-permissions.controller';
import { accessRulePageSchema, countAnswerSchema, publicAccessRuleSchema } from './public-access-rule';
import { publicRoleSchema } from './public-role';
import { roleIdParamsSchema, rolesQuerySchema } from './roles/roles.controller';
import { z } from 'zod';

const TAGS = ['Authorization'] as const;
const PATH = '/api/v1/authorization';
const WRITTEN = REVISION_HEADERS;
/**
 * A read's description with how to read one's writes: X-DV-At-Least is said there, not listed as a
 * header parameter (a revision no write returned is 400, which no schema can say: the volumes helper's
 * finding with Schemathesis, revision-header.ts).
 */
const reads = (description: string): string => `${description} ${READS_YOUR_WRITES}`;

/** The authorization calls of the reference (docs/decisions/0022, "Authorization"), as the controllers parse and answer them. */
export const AUTHORIZATION_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'listRoles',
    method: 'GET',
    path: `${PATH}/roles`,
    tags: TAGS,
    summary: 'List the predefined roles',
    description:
      'The whole role catalog (roles are predefined: never created, edited or deleted), or those a search finds. Needs roles read permission in some scope.',
    query: rolesQuerySchema,
    responses: { 200: { description: 'Every role.', schema: z.array(publicRoleSchema) } },
    errors: [400, 403],
    calls: [AuthzRpc.listRoles.subject],
  },
  {
    operationId: 'getRole',
    method: 'GET',
    path: `${PATH}/roles/{id}`,
    tags: TAGS,
    summary: 'Get a role by id',
    params: roleIdParamsSchema,
    responses: { 200: { description: 'The role.', schema: publicRoleSchema } },
    errors: [400, 403, 404],
    calls: [AuthzRpc.getRole.subject],
  },
  {
    operationId: 'createAccessRule',
    method: 'POST',
    path: `${PATH}/access-rules`,
    tags: TAGS,
    summary: 'Create an access rule: a subject is a role in a scope',
    description:
      'Needs access_rules create in the scope, and every permission of the role there (no privilege escalation). 404 for an unknown role or scope; 409 when the same rule exists.',
    body: createAccessRuleBodySchema,
    responses: { 201: { description: 'The rule, in effect.', schema: publicAccessRuleSchema, headers: WRITTEN } },
    errors: [400, 403, 404, 409, 413],
    calls: [AuthzRpc.createAccessRule.subject],
  },
  {
    operationId: 'listAccessRules',
    method: 'GET',
    path: `${PATH}/access-rules`,
    tags: TAGS,
    summary: 'List access rules',
    description: reads("The caller's own rules and those of scopes where it may read access rules; filtered, searched, sorted (default createdAt) and paged."),
    query: accessRuleListQuerySchema,
    responses: { 200: { description: 'A page of rules and how many match.', schema: accessRulePageSchema } },
    errors: [400],
    calls: [AuthzRpc.listAccessRules.subject],
  },
  {
    operationId: 'countAccessRules',
    method: 'GET',
    path: `${PATH}/access-rules/count`,
    tags: TAGS,
    summary: 'Count access rules',
    description: reads('How many rules the same filters select among those the caller may view.'),
    query: accessRuleCountQuerySchema,
    responses: { 200: { description: 'The count.', schema: countAnswerSchema } },
    errors: [400],
    calls: [AuthzRpc.listAccessRules.subject],
  },
  {
    operationId: 'getAccessRule',
    method: 'GET',
    path: `${PATH}/access-rules/{id}`,
    tags: TAGS,
    summary: 'Get an access rule, with its scope path',
    description: reads('A rule the caller may not view answers 404, as an unknown one does.'),
    params: accessRuleIdParamsSchema,
    responses: { 200: { description: 'The rule.', schema: publicAccessRuleSchema } },
    errors: [400, 404],
    calls: [AuthzRpc.getAccessRule.subject],
  },
  {
    operationId: 'deleteAccessRule',
    method: 'DELETE',
    path: `${PATH}/access-rules/{id}`,
    tags: TAGS,
    summary: 'Delete an access rule',
    description: 'Rules are never edited, only deleted (and created again). Needs access_rules delete in the scope; 412 when the rule was deleted already.',
    params: accessRuleIdParamsSchema,
    responses: { 204: { description: 'Deleted: it no longer grants.', headers: WRITTEN } },
    errors: [400, 403, 404, 412],
    calls: [AuthzRpc.deleteAccessRule.subject],
  },
  {
    operationId: 'batchAccessRules',
    method: 'POST',
    path: `${PATH}/access-rules/batch`,
    tags: TAGS,
    summary: 'Delete access rules, or check that they could be deleted',
    description: reads(
      'delete: each id as DELETE /access-rules/{id}. validate_delete: changes nothing, and answers per id what delete would (404 unknown or not visible, 412 deleted already, 403 not allowed). Per-item results; X-DV-Revision on delete.',
    ),
    body: accessRuleBatchBodySchema,
    responses: { 200: { description: 'Per-item results.', schema: accessRuleBatchAnswerSchema, headers: WRITTEN } },
    errors: [400, 413],
    calls: [AuthzRpc.deleteAccessRule.subject, AuthzRpc.getAccessRule.subject, AuthzRpc.check.subject],
  },
  {
    operationId: 'batchCreateAccessRules',
    method: 'POST',
    path: `${PATH}/access-rules/batch-create`,
    tags: TAGS,
    summary: 'Create one access rule per subject and scope',
    description:
      'One rule per subject × scope (at most 100 subjects and 100 scopes): the first 100 pairs, subject by subject, are made, each succeeding or failing on its own with the HTTP status its own create would have answered; any pair after them fails with 400.',
    body: accessRuleBatchCreateBodySchema,
    responses: { 200: { description: 'Per-item results.', schema: accessRuleBatchCreateAnswerSchema, headers: WRITTEN } },
    errors: [400, 413],
    calls: [AuthzRpc.batchCreateAccessRules.subject],
  },
  {
    operationId: 'listMyAccessRules',
    method: 'GET',
    path: `${PATH}/me/access-rules`,
    tags: TAGS,
    summary: "The caller's own access rules",
    description: reads('Active rules naming the caller or one of its groups, oldest first; searched and paged.'),
    query: myAccessRulesQuerySchema,
    responses: { 200: { description: 'A page of rules and how many match.', schema: myAccessRulesAnswerSchema } },
    errors: [400],
    calls: [AuthzRpc.myAccessRules.subject],
  },
  {
    operationId: 'countMyAccessRules',
    method: 'GET',
    path: `${PATH}/me/access-rules/count`,
    tags: TAGS,
    summary: "Count the caller's own access rules",
    description: reads('The same search as the list.'),
    query: myAccessRulesCountQuerySchema,
    responses: { 200: { description: 'The count.', schema: countAnswerSchema } },
    errors: [400],
    calls: [AuthzRpc.myAccessRules.subject],
  },
  {
    operationId: 'getMyPermissions',
    method: 'GET',
    path: `${PATH}/permissions`,
    tags: TAGS,
    summary: "The caller's permissions",
    description: reads('Per resource type, the actions some rule of the caller or its groups grants in a live scope.'),
    query: myPermissionsQuerySchema,
    responses: { 200: { description: 'The permissions.', schema: myPermissionsAnswerSchema } },
    errors: [400],
    calls: [AuthzRpc.myPermissions.subject],
  },
  {
    operationId: 'getPermittedScopes',
    method: 'POST',
    path: `${PATH}/permitted-scopes`,
    tags: TAGS,
    summary: 'Where the caller may act on a resource type',
    description: reads('Per action (only the one asked, or all four), every scope where the caller may act, with everything below it.'),
    body: permittedScopesBodySchema,
    responses: { 200: { description: 'The scope sets.', schema: permittedScopesAnswerSchema } },
    errors: [400, 413],
    calls: [AuthzRpc.permittedScopes.subject],
  },
];
