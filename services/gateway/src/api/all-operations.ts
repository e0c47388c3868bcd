import { type ApiOperation } from './api-operation';
import { AUTHORIZATION_OPERATIONS } from '../authorization/operations';
import { SERVICE_ACCOUNT_OPERATIONS } from '../service-accounts/operations';
import { TOKEN_OPERATIONS } from '../tokens/operations';
import { VOLUME_OPERATIONS } from '../volumes/operations';
import { VOLUME_SHARING_OPERATIONS } from '../volumes/sharing-operations';
import { AUDIT_OPERATIONS } from '../audit/operations';
import { EXTENSION_OPERATIONS } from '../extensions/operations';
import { API_DOC_OPERATIONS } from './operations';

/**
 * Every HTTP operation of the gateway, one list per area (each area's `operations.ts`): the source of
 * the OpenAPI document, checked against the routes the gateway serves (a flat list of imports: one line per area).
 */
export const ALL_OPERATIONS: readonly ApiOperation[] = [
  // The API's description and its page (no token).
  ...API_DOC_OPERATIONS,
  // Data volumes: /api/v1/datavolumes.
  ...VOLUME_OPERATIONS,
  // Authorization: /api/v1/authorization.
  ...AUTHORIZATION_OPERATIONS,
  // sharedScopes and settings; the audit log; our extensions under /api/dv/v1 (decision 0022).
  ...VOLUME_SHARING_OPERATIONS,
  ...AUDIT_OPERATIONS,
  ...EXTENSION_OPERATIONS,
  // Tokens (no token) and service accounts.
  ...TOKEN_OPERATIONS,
  ...SERVICE_ACCOUNT_OPERATIONS,
];
