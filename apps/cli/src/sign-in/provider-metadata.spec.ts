import { EXIT } from '../core/cli-error';
import { authorizationUrl } from './browser-sign-in';
import { parseProviderMetadata } from './provider-metadata';

const ISSUER = 'https://id.example/';

describe("the provider's discovery document", () => {
  it('takes the endpoints dv uses; the device endpoint only when offered', () => {
    expect(
      parseProviderMetadata(
        ISSUER,
        { issuer: ISSUER, authorization_endpoint: 'https://id.example/oauth2/auth', revocation_endpoint: 'https://id.example/oauth2/revoke' },
        'doc',
      ),
    ).toEqual({ issuer: ISSUER, authorizationEndpoint: 'https://id.example/oauth2/auth', revocationEndpoint: 'https://id.example/oauth2/revoke' });
  });

  it('refuses a document naming another issuer, or without an http(s) authorization endpoint', () => {
    expect(() => parseProviderMetadata(ISSUER, { issuer: 'https://evil.example/', authorization_endpoint: 'https://x/' }, 'doc')).toThrow(
      'doc names the issuer https://evil.example/, not https://id.example/',
    );
    expect(() => parseProviderMetadata(ISSUER, { issuer: ISSUER }, 'doc')).toThrow('doc has no authorization_endpoint');
    expect(() => parseProviderMetadata(ISSUER, { issuer: ISSUER, authorization_endpoint: 'javascript:alert(1)' }, 'doc')).toThrow(
      'doc: authorization_endpoint is not an http(s) URL',
    );
    expect(() => parseProviderMetadata(ISSUER, [], 'doc')).toThrow(expect.objectContaining({ exitCode: EXIT.failed }));
  });

  it('builds the authorization request: code, PKCE S256, the loopback redirect, state, scope and audience', () => {
    const url = new URL(
      authorizationUrl(
        { issuer: ISSUER, authorizationEndpoint: 'https://id.example/oauth2/auth?tenant=a' },
        { issuer: ISSUER, clientId: 'dv-cli', audience: 'dv-gateway' },
        { redirectUri: 'http://127.0.0.1:5555/callback', state: 'st', codeChallenge: 'ch' },
      ),
    );
    expect(`${url.origin}${url.pathname}`).toBe('https://id.example/oauth2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: 'a',
      response_type: 'code',
      client_id: 'dv-cli',
      redirect_uri: 'http://127.0.0.1:5555/callback',
      scope: 'openid offline_access dv.api',
      audience: 'dv-gateway',
      state: 'st',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
    });
  });
});
