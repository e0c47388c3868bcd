import { type ApiOperation } from '../api/api-operation';
import { tokenV1AnswerSchema, tokenV2AnswerSchema } from './token-answers';
import { tokenV1BodySchema, tokenV2FormSchema } from './token-grants';

const TAGS = ['Tokens'] as const;
const CLIENT_AUTH =
  'The client authenticates with `Authorization: Basic` (client id and secret, each form-url-encoded) or in the body, not both. ' +
  'Forwarded to the identity provider (its token endpoint, found by OpenID discovery); client-credentials tokens are always requested for the gateway audience. ' +
  'The `password` grant is refused (400, details.error `unsupported_grant_type`): the provider has no resource-owner password grant. ' +
  'The provider refusing the grant is 400 (details.error: the OAuth2 error code), the client authentication failing 401, the provider unreachable 503.';

export const issueTokenV2Operation: ApiOperation = {
  operationId: 'issueTokenV2',
  method: 'POST',
  path: '/api/v2/token',
  tags: TAGS,
  summary: 'An access token (OAuth2 token endpoint, form-encoded): client_credentials, refresh_token or authorization_code.',
  description: CLIENT_AUTH,
  body: tokenV2FormSchema,
  bodyContentType: 'application/x-www-form-urlencoded',
  headers: { Authorization: 'Basic <client id:secret> (optional): the client authentication of RFC 6749 §2.3.1.' },
  responses: { 200: { description: 'The token (a JWT for the gateway audience).', schema: tokenV2AnswerSchema, headers: { 'Cache-Control': 'no-store' } } },
  errors: [400, 401, 413, 503],
  calls: [],
  auth: 'none',
};

export const issueTokenV1Operation: ApiOperation = {
  operationId: 'issueTokenV1',
  method: 'POST',
  path: '/api/v1/token',
  tags: TAGS,
  summary: 'An access token (the older JSON form): app_token (AppId, AppSecret), client_credentials (clientId, clientSecret) or refresh_token.',
  description: `app_token is a service account's client credentials under their old names. ${CLIENT_AUTH}`,
  body: tokenV1BodySchema,
  headers: { Authorization: 'Basic <client id:secret> (optional): instead of the credentials in the body.' },
  responses: { 200: { description: 'The token (a JWT for the gateway audience).', schema: tokenV1AnswerSchema, headers: { 'Cache-Control': 'no-store' } } },
  errors: [400, 401, 413, 503],
  calls: [],
  auth: 'none',
};

export const TOKEN_OPERATIONS: readonly ApiOperation[] = [issueTokenV2Operation, issueTokenV1Operation];

/** The paths the bearer check leaves alone: a token is what the caller comes for. */
export const TOKEN_PATHS: ReadonlySet<string> = new Set(TOKEN_OPERATIONS.map((o) => o.path));
