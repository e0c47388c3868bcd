import { type ApiOperation } from '../api/api-operation';
import { queryInt } from '../api/parse-query';
import { REVISION_HEADER, REVISION_HEADER_DESCRIPTION } from '../http/revision-header';
import { z } from 'zod';
import {
  createServiceAccountBodySchema,
  serviceAccountIdParamsSchema,
  serviceAccountListSchema,
  serviceAccountSchema,
  serviceAccountWithSecretSchema,
  updateServiceAccountBodySchema,
} from './service-account-shape';

const TAGS = ['Service accounts'] as const;
const BASE = '/api/v1/service-accounts';
const REVISION = { [REVISION_HEADER]: REVISION_HEADER_DESCRIPTION };
const WHO =
  'Needs `apps` (Applications) permission at the system scope: create, read, update or delete (System administrator, Cloud operator; read also Editor, Application and Department administrator).';

export const listServiceAccountsQuerySchema = z
  .object({
    offset: queryInt({ min: 0 }).optional(),
    limit: queryInt({ min: 1, max: 500 }).optional(),
  })
  .strict();

export const createServiceAccountOperation: ApiOperation = {
  operationId: 'createServiceAccount',
  method: 'POST',
  path: BASE,
  tags: TAGS,
  summary: 'Create a service account (an OAuth2 client of the identity provider); its client secret is shown this once.',
  description: `Tokens: client credentials at /api/v2/token or /api/v1/token. Authorized by its own access rules only (subject type service-account, subject id = id). ${WHO}`,
  body: createServiceAccountBodySchema,
  responses: { 201: { description: 'The service account with its client secret.', schema: serviceAccountWithSecretSchema, headers: REVISION } },
  errors: [400, 403, 409, 413, 503],
  calls: ['dv.authz.check'],
};

export const listServiceAccountsOperation: ApiOperation = {
  operationId: 'listServiceAccounts',
  method: 'GET',
  path: BASE,
  tags: TAGS,
  summary: 'List the service accounts (oldest first), paged by offset and limit (default 50, at most 500).',
  description: WHO,
  query: listServiceAccountsQuerySchema,
  responses: { 200: { description: 'A page of service accounts; `next` is the offset of the next page.', schema: serviceAccountListSchema } },
  errors: [400, 403, 503],
  calls: ['dv.authz.check'],
};

export const getServiceAccountOperation: ApiOperation = {
  operationId: 'getServiceAccount',
  method: 'GET',
  path: `${BASE}/{id}`,
  tags: TAGS,
  summary: 'One service account.',
  description: WHO,
  params: serviceAccountIdParamsSchema,
  responses: { 200: { description: 'The service account.', schema: serviceAccountSchema } },
  errors: [400, 403, 404, 503],
  calls: ['dv.authz.check'],
};

export const regenerateServiceAccountSecretOperation: ApiOperation = {
  operationId: 'regenerateServiceAccountSecret',
  method: 'POST',
  path: `${BASE}/{id}/secret`,
  tags: TAGS,
  summary: 'Make a new client secret, shown this once; the old one gets no token from now on (tokens issued before stay valid until they expire).',
  description: WHO,
  params: serviceAccountIdParamsSchema,
  responses: { 200: { description: 'The service account with its new client secret.', schema: serviceAccountWithSecretSchema, headers: REVISION } },
  errors: [400, 403, 404, 503],
  calls: ['dv.authz.check'],
};

export const updateServiceAccountOperation: ApiOperation = {
  operationId: 'updateServiceAccount',
  method: 'PATCH',
  path: `${BASE}/{id}`,
  tags: TAGS,
  summary:
    'Enable or disable a service account. Disabled: its next call is 401 on every gateway replica, even with a token issued before, and it gets no new token.',
  description: WHO,
  params: serviceAccountIdParamsSchema,
  body: updateServiceAccountBodySchema,
  responses: { 200: { description: 'The service account.', schema: serviceAccountSchema, headers: REVISION } },
  errors: [400, 403, 404, 413, 503],
  calls: ['dv.authz.check'],
};

export const deleteServiceAccountOperation: ApiOperation = {
  operationId: 'deleteServiceAccount',
  method: 'DELETE',
  path: `${BASE}/{id}`,
  tags: TAGS,
  summary: 'Delete a service account: its client is removed from the provider and its tokens are refused from now on.',
  description: WHO,
  params: serviceAccountIdParamsSchema,
  responses: { 204: { description: 'Deleted.', headers: REVISION } },
  errors: [400, 403, 404, 503],
  calls: ['dv.authz.check'],
};

export const SERVICE_ACCOUNT_OPERATIONS: readonly ApiOperation[] = [
  createServiceAccountOperation,
  listServiceAccountsOperation,
  getServiceAccountOperation,
  regenerateServiceAccountSecretOperation,
  updateServiceAccountOperation,
  deleteServiceAccountOperation,
];
