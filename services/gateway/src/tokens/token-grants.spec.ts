import { DvError } from '@dv/contracts';
import { UnauthorizedException } from '@nestjs/common';
import { providerTokenRequest, tokenV1GrantOf, tokenV2GrantOf } from './token-grants';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** The headers of a form-encoded request, with this Authorization. */
const form = (authorization: string | undefined) => ({ authorization, contentType: 'application/x-www-form-urlencoded; charset=utf-8' });

function refusal(run: () => unknown): { code: string; fields: string[]; error?: unknown } {
  try {
    run();
  } catch (e) {
    if (!(e instanceof DvError)) throw e;
    const details = (e.details ?? {}) as { issues?: { field: string }[]; error?: unknown };
    return { code: e.code, fields: (details.issues ?? []).map((i) => i.field), ...(details.error === undefined ? {} : { error: details.error }) };
  }
  throw new Error('expected a refusal');
}

/** A refusal of the client's authentication (RFC 6749 invalid_client, 401): its message. */
function invalidClient(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (!(e instanceof UnauthorizedException)) throw e;
    return e.message;
  }
  throw new Error('expected a refusal of the client authentication');
}

describe('tokenV2GrantOf', () => {
  it('takes client credentials from Basic (each part form-url-decoded) or from the body', () => {
    expect(tokenV2GrantOf({ grant_type: 'client_credentials', scope: 'dv.api' }, form(basic('my client', 'p@ss:word')))).toEqual({
      grant: 'client_credentials',
      client: { id: 'my client', secret: 'p@ss:word' },
      scope: 'dv.api',
    });
    expect(tokenV2GrantOf({ grant_type: 'client_credentials', client_id: 'c', client_secret: 's' }, form(undefined))).toEqual({
      grant: 'client_credentials',
      client: { id: 'c', secret: 's' },
    });
  });

  it('reads refresh_token and authorization_code (a public client: no secret)', () => {
    expect(tokenV2GrantOf({ grant_type: 'refresh_token', refresh_token: 'r', client_id: 'console' }, form(undefined))).toEqual({
      grant: 'refresh_token',
      client: { id: 'console' },
      refreshToken: 'r',
    });
    expect(
      tokenV2GrantOf({ grant_type: 'authorization_code', code: 'c', redirect_uri: 'http://x/cb', code_verifier: 'v', client_id: 'console' }, form(undefined)),
    ).toEqual({
      grant: 'authorization_code',
      client: { id: 'console' },
      code: 'c',
      redirectUri: 'http://x/cb',
      codeVerifier: 'v',
    });
  });

  it('refuses the password grant as unsupported, repeated and unknown parameters, what each grant lacks, and a body not form-encoded', () => {
    expect(refusal(() => tokenV2GrantOf({ grant_type: 'password', username: 'u', password: 'p' }, form(undefined)))).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['grant_type'],
      error: 'unsupported_grant_type',
    });
    expect(refusal(() => tokenV2GrantOf({ grant_type: ['client_credentials', 'password'] }, form(undefined))).fields).toEqual(['grant_type']);
    expect(refusal(() => tokenV2GrantOf({ grant_type: 'client_credentials', audience: 'x' }, form(basic('a', 'b')))).fields).toEqual(['audience']);
    // No client authentication, or one that cannot be read: 401 invalid_client (RFC 6749 §5.2), not a 400 of the request's shape.
    expect(invalidClient(() => tokenV2GrantOf({ grant_type: 'client_credentials', client_id: 'a' }, form(undefined)))).toMatch(/^client_secret: /);
    expect(invalidClient(() => tokenV2GrantOf({ grant_type: 'client_credentials' }, form(undefined)))).toMatch(/^client_id: /);
    expect(invalidClient(() => tokenV2GrantOf({ grant_type: 'refresh_token', refresh_token: 'r' }, form(undefined)))).toMatch(/^client_id: /);
    expect(refusal(() => tokenV2GrantOf({ grant_type: 'client_credentials', client_secret: 'a' }, form(basic('a', 'b')))).fields).toEqual(['client_secret']);
    expect(refusal(() => tokenV2GrantOf({ grant_type: 'refresh_token', client_id: 'a' }, form(undefined))).fields).toEqual(['refresh_token']);
    expect(invalidClient(() => tokenV2GrantOf({ grant_type: 'client_credentials' }, form('Basic bm8tY29sb24=')))).toMatch(/^authorization: /);
    expect(invalidClient(() => tokenV2GrantOf({ grant_type: 'client_credentials' }, form(`Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`)))).toMatch(
      /^authorization: /,
    );
    expect(refusal(() => tokenV2GrantOf('grant_type=client_credentials', form(undefined))).fields).toEqual(['body']);
    expect(refusal(() => tokenV2GrantOf(null, form(undefined))).fields).toEqual(['body']);
    expect(refusal(() => tokenV2GrantOf({ grant_type: 'client_credentials' }, { contentType: 'application/json' })).fields).toEqual(['content-type']);
  });
});

describe('tokenV1GrantOf', () => {
  it('maps app_token (AppId, AppSecret) and client_credentials to the client-credentials grant', () => {
    const expected = { grant: 'client_credentials', client: { id: 'a', secret: 's' } };
    expect(tokenV1GrantOf({ grantType: 'app_token', AppId: 'a', AppSecret: 's' }, undefined)).toEqual(expected);
    expect(tokenV1GrantOf({ grantType: 'client_credentials', clientId: 'a', clientSecret: 's' }, undefined)).toEqual(expected);
    expect(tokenV1GrantOf({ grantType: 'refresh_token', refreshToken: 'r', clientId: 'c' }, undefined)).toEqual({
      grant: 'refresh_token',
      client: { id: 'c' },
      refreshToken: 'r',
    });
  });

  it('refuses password as unsupported and names missing or unknown fields', () => {
    expect(refusal(() => tokenV1GrantOf({ grantType: 'password', username: 'u', password: 'p' }, undefined)).error).toBe('unsupported_grant_type');
    expect(invalidClient(() => tokenV1GrantOf({ grantType: 'app_token', AppId: 'a' }, undefined))).toMatch(/^AppSecret: /);
    // The server parses form bodies too (for v2): here only JSON is taken.
    expect(
      refusal(() => tokenV1GrantOf({ grantType: 'app_token', AppId: 'a', AppSecret: 's' }, undefined, 'application/x-www-form-urlencoded')).fields,
    ).toEqual(['content-type']);
    expect(tokenV1GrantOf({ grantType: 'app_token', AppId: 'a', AppSecret: 's' }, undefined, 'application/json; charset=utf-8')).toMatchObject({
      grant: 'client_credentials',
    });
    expect(refusal(() => tokenV1GrantOf({ grantType: 'app_token', AppId: 'a', AppSecret: 's', scope: 'x' }, undefined)).fields).toEqual(['scope']);
  });
});

describe('providerTokenRequest', () => {
  it("always asks for the gateway's audience with client credentials, and sends a confidential client's credentials as Basic", () => {
    const withSecret = providerTokenRequest({ grant: 'client_credentials', client: { id: 'a b', secret: 's:t' }, scope: 'dv.api' }, 'dv-gateway');
    expect(Object.fromEntries(withSecret.form)).toEqual({ grant_type: 'client_credentials', audience: 'dv-gateway', scope: 'dv.api' });
    expect(withSecret.authorization).toBe(basic('a b', 's:t'));
    const code = providerTokenRequest({ grant: 'authorization_code', client: { id: 'console' }, code: 'c', redirectUri: 'u' }, 'dv-gateway');
    expect(Object.fromEntries(code.form)).toEqual({ grant_type: 'authorization_code', code: 'c', redirect_uri: 'u', client_id: 'console' });
  });
});
