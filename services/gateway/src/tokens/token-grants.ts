import { DvError } from '@dv/contracts';
import { UnauthorizedException } from '@nestjs/common';
import { z } from 'zod';
import { type FieldIssue, parseOrThrow, validationError } from '../http/validate';

/**
 * The client: from `Authorization: Basic` or from the body (RFC 6749 §2.3.1), as the caller chose. The
 * provider gets a confidential client's credentials as HTTP Basic (`client_secret_basic`, the method
 * every OAuth2 server must support and the service accounts' method) whichever way they came, and a
 * public client's id in the form.
 */
export interface ClientAuth {
  id: string;
  secret?: string;
}

/** A token request, whichever endpoint it came through. */
export type TokenGrant =
  | { grant: 'client_credentials'; client: ClientAuth; scope?: string }
  | { grant: 'refresh_token'; client: ClientAuth; refreshToken: string; scope?: string }
  | { grant: 'authorization_code'; client: ClientAuth; code: string; redirectUri: string; codeVerifier?: string };

const field = (max: number) => z.string().min(1).max(max);

/** `POST /api/v2/token`, form-encoded (RFC 6749 §4): each parameter once, unknown ones refused by name. */
export const tokenV2FormSchema = z
  .object({
    // `password` is refused before the schema (passwordGrantRefused): the API description does not offer it.
    grant_type: z.enum(['client_credentials', 'refresh_token', 'authorization_code']),
    client_id: field(255).optional(),
    client_secret: field(1024).optional(),
    scope: field(1024).optional(),
    refresh_token: field(8192).optional(),
    code: field(2048).optional(),
    redirect_uri: field(2048).optional(),
    code_verifier: field(128).optional(),
    username: field(255).optional(),
    password: field(1024).optional(),
  })
  .strict()
  // What each grant needs (checked below), said in JSON Schema for the API description.
  .meta({
    allOf: [
      { if: { properties: { grant_type: { const: 'refresh_token' } }, required: ['grant_type'] }, then: { required: ['refresh_token'] } },
      { if: { properties: { grant_type: { const: 'authorization_code' } }, required: ['grant_type'] }, then: { required: ['code', 'redirect_uri'] } },
    ],
  });

/** `POST /api/v1/token`, JSON: app_token takes AppId/AppSecret (an application = a service account's client credentials). */
export const tokenV1BodySchema = z
  .object({
    // `password` is refused before the schema (passwordGrantRefused): the API description does not offer it.
    grantType: z.enum(['app_token', 'client_credentials', 'refresh_token']),
    AppId: field(255).optional(),
    AppSecret: field(1024).optional(),
    clientId: field(255).optional(),
    clientSecret: field(1024).optional(),
    refreshToken: field(8192).optional(),
    username: field(255).optional(),
    password: field(1024).optional(),
  })
  .strict()
  // What the refresh grant needs (checked below), said in JSON Schema for the API description.
  .meta({ if: { properties: { grantType: { const: 'refresh_token' } }, required: ['grantType'] }, then: { required: ['refreshToken'] } });

/** The provider (Ory Hydra) has no resource-owner password grant (RFC 9700 deprecates it): refused as unsupported, never faked. */
export function passwordGrantRefused(field: string): DvError {
  return DvError.validation(
    `${field}: password is not supported: the identity provider has no resource-owner password grant; sign in through the provider (authorization_code) or use a service account (client_credentials)`,
    { error: 'unsupported_grant_type', issues: [{ field, message: 'password is not supported' }] },
  );
}

/**
 * A form body (application/x-www-form-urlencoded, parsed by the server into an object whose repeated
 * keys are arrays) as the v2 request: each parameter at most once (RFC 6749 §3.2), unknown ones refused.
 */
export function tokenV2GrantOf(formBody: unknown, headers: { authorization?: string | undefined; contentType?: string | undefined }): TokenGrant {
  const authorization = headers.authorization;
  if (!isFormContentType(headers.contentType)) throw validationError([{ field: 'content-type', message: 'must be application/x-www-form-urlencoded' }]);
  if (typeof formBody !== 'object' || formBody === null || Array.isArray(formBody)) {
    throw validationError([{ field: 'body', message: 'must be application/x-www-form-urlencoded' }]);
  }
  const form: Record<string, unknown> = {};
  const repeated: FieldIssue[] = [];
  for (const [key, value] of Object.entries(formBody)) {
    if (Array.isArray(value)) repeated.push({ field: key, message: 'must be given once' });
    else form[key] = value;
  }
  if (repeated.length > 0) throw validationError(repeated);
  if (form['grant_type'] === 'password') throw passwordGrantRefused('grant_type');
  const request = parseOrThrow(tokenV2FormSchema, form);
  const client = clientAuthOf(authorization, request.client_id, request.client_secret, { id: 'client_id', secret: 'client_secret' });
  const scope = request.scope === undefined ? {} : { scope: request.scope };
  switch (request.grant_type) {
    case 'client_credentials':
      return { grant: 'client_credentials', client: requireSecret(client, 'client_secret'), ...scope };
    case 'refresh_token':
      return { grant: 'refresh_token', client, refreshToken: required(request.refresh_token, 'refresh_token'), ...scope };
    case 'authorization_code':
      return {
        grant: 'authorization_code',
        client,
        code: required(request.code, 'code'),
        redirectUri: required(request.redirect_uri, 'redirect_uri'),
        ...(request.code_verifier === undefined ? {} : { codeVerifier: request.code_verifier }),
      };
  }
}

/**
 * A JSON body of `POST /api/v1/token` as the request. `contentType` (the controller passes the
 * request's): the server parses form bodies too, for v2; here anything but JSON is 400.
 */
export function tokenV1GrantOf(body: unknown, authorization: string | undefined, contentType?: string): TokenGrant {
  if (contentType !== undefined && (contentType.split(';', 1)[0] ?? '').trim().toLowerCase() !== 'application/json') {
    throw validationError([{ field: 'content-type', message: 'must be application/json' }]);
  }
  if (typeof body === 'object' && body !== null && (body as Record<string, unknown>)['grantType'] === 'password') throw passwordGrantRefused('grantType');
  const request = parseOrThrow(tokenV1BodySchema, body);
  switch (request.grantType) {
    case 'app_token':
      return {
        grant: 'client_credentials',
        client: requireSecret(clientAuthOf(authorization, request.AppId, request.AppSecret, { id: 'AppId', secret: 'AppSecret' }), 'AppSecret'),
      };
    case 'client_credentials':
      return {
        grant: 'client_credentials',
        client: requireSecret(clientAuthOf(authorization, request.clientId, request.clientSecret, { id: 'clientId', secret: 'clientSecret' }), 'clientSecret'),
      };
    case 'refresh_token':
      return {
        grant: 'refresh_token',
        client: clientAuthOf(authorization, request.clientId, request.clientSecret, { id: 'clientId', secret: 'clientSecret' }),
        refreshToken: required(request.refreshToken, 'refreshToken'),
      };
  }
}

/** What goes to the provider's token endpoint: the form, and the Authorization header when the client authenticates by it. */
export function providerTokenRequest(grant: TokenGrant, audience: string): { form: URLSearchParams; authorization?: string } {
  const form = new URLSearchParams({ grant_type: grant.grant });
  switch (grant.grant) {
    case 'client_credentials':
      // The gateway's audience always: a token without it is worth nothing at the gateway.
      form.set('audience', audience);
      if (grant.scope !== undefined) form.set('scope', grant.scope);
      break;
    case 'refresh_token':
      // The refreshed token keeps the audience granted at sign-in (the provider decides; the gateway checks it).
      form.set('refresh_token', grant.refreshToken);
      if (grant.scope !== undefined) form.set('scope', grant.scope);
      break;
    case 'authorization_code':
      // The audience was asked for at /oauth2/auth (audience=<the gateway's>); the code carries it.
      form.set('code', grant.code);
      form.set('redirect_uri', grant.redirectUri);
      if (grant.codeVerifier !== undefined) form.set('code_verifier', grant.codeVerifier);
      break;
  }
  const { client } = grant;
  if (client.secret !== undefined) {
    const credentials = `${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`;
    return { form, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
  }
  form.set('client_id', client.id);
  return { form };
}

/** The client: from `Authorization: Basic` (RFC 6749 §2.3.1, each part form-url-encoded) or from the body, not both. */
function clientAuthOf(
  authorization: string | undefined,
  bodyId: string | undefined,
  bodySecret: string | undefined,
  names: { id: string; secret: string },
): ClientAuth {
  if (authorization !== undefined && authorization !== '') {
    const basic = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(authorization)?.[1];
    const decoded = basic === undefined ? undefined : Buffer.from(basic, 'base64').toString('utf8');
    const at = decoded?.indexOf(':') ?? -1;
    if (decoded === undefined || at <= 0) throw invalidClient('authorization: must be Basic with the client id and secret');
    if (bodyId !== undefined || bodySecret !== undefined) {
      throw validationError([{ field: bodyId !== undefined ? names.id : names.secret, message: 'must not be given with an Authorization header' }]);
    }
    let id: string;
    let secret: string;
    try {
      id = decodeURIComponent(decoded.slice(0, at).replace(/\+/g, ' '));
      secret = decodeURIComponent(decoded.slice(at + 1).replace(/\+/g, ' '));
    } catch {
      throw invalidClient('authorization: must be Basic with the form-url-encoded client id and secret');
    }
    if (id.length > 255 || secret.length > 1024) throw invalidClient('authorization: names a client id or secret that is too long');
    return { id, secret };
  }
  if (bodyId === undefined) throw invalidClient(`${names.id}: is required for this grant (or Authorization: Basic)`);
  return bodySecret === undefined ? { id: bodyId } : { id: bodyId, secret: bodySecret };
}

/**
 * No client authentication, or one that cannot be read: RFC 6749 §5.2 `invalid_client`, 401, like the
 * provider's own refusal of a client's credentials (a request the API description allows, refused for
 * its credentials, not its shape).
 */
function invalidClient(message: string): UnauthorizedException {
  return new UnauthorizedException(message);
}

function isFormContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function requireSecret(client: ClientAuth, field: string): ClientAuth {
  if (client.secret === undefined || client.secret === '') throw invalidClient(`${field}: is required for this grant (or Authorization: Basic)`);
  return client;
}

function required(value: string | undefined, field: string): string {
  if (value === undefined) throw validationError([{ field, message: 'is required for this grant' }]);
  return value;
}
