// The development identity provider against the real Ory Hydra: tokens a resource server (the gateway
// of issue 14) will verify, checked here the way it will check them, with `jose` against Hydra's JWKS.
import { type JWTPayload, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminRequest } from '../src/dev-login/admin-request';
import { type HydraClient, TestBrowser, hydraAdmin } from '../src/dev-login/oidc-test-client';
import { startHydra } from '../src/start-hydra';
import { type DevIdentityProvider, startDevIdentityProvider } from '../src/dev-login/start-dev-identity-provider';

const AUDIENCE = 'dv-gateway';
const REDIRECT_URI = 'http://127.0.0.1:9/callback'; // never fetched: the test reads the code from the redirect
const ACCESS_TOKEN_SET = 'hydra.jwt.access-token';

interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

let idp: DevIdentityProvider;
let dir: string;

function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  return hydraAdmin<T>(idp.adminUrl, method, path, body);
}

/** POST /oauth2/token; resolves with the status and the parsed body. */
async function tokenCall(form: Record<string, string>, basic?: { id: string; secret: string }): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers['authorization'] = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  const response = await fetch(`${idp.publicUrl}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function clientCredentialsToken(client: HydraClient): Promise<string> {
  const { status, body } = await tokenCall(
    { grant_type: 'client_credentials', audience: AUDIENCE, scope: 'dv.api' },
    { id: client.client_id, secret: client.client_secret ?? '' },
  );
  expect(status).toBe(200);
  return (body as unknown as TokenResponse).access_token;
}

/** jose's 5 s fetch timeout is too short on a loaded machine: a fresh Hydra makes its keys on the first fetch. */
const JWKS_TIMEOUT_MS = 60_000;

function jwksOf(options: { cooldownDuration?: number } = {}): ReturnType<typeof createRemoteJWKSet> {
  return createRemoteJWKSet(new URL(`${idp.publicUrl}/.well-known/jwks.json`), { timeoutDuration: JWKS_TIMEOUT_MS, ...options });
}

/** A public client (a browser app such as the console): no secret, so PKCE protects its codes. */
function publicClient(): Promise<HydraClient> {
  return admin<HydraClient>('POST', '/admin/clients', {
    client_name: 'console',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
    token_endpoint_auth_method: 'none',
    audience: [AUDIENCE],
    scope: 'openid offline dv.api',
  });
}

/** Starts an authorization request (PKCE, S256) and returns the login challenge the login app's form shows. */
async function loginChallenge(browser: TestBrowser, client: HydraClient, pkce = { verifier: '', state: '' }): Promise<string> {
  const url = new URL(`${idp.publicUrl}/oauth2/auth`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    scope: 'openid dv.api',
    audience: AUDIENCE,
    state: pkce.state || randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256')
      .update(pkce.verifier || randomBytes(32).toString('base64url'))
      .digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const toLogin = await browser.request(url.toString());
  expect(toLogin.status).toBe(302);
  expect(toLogin.location?.startsWith(`${idp.login.loginUrl}?login_challenge=`)).toBe(true);
  const form = await browser.request(toLogin.location ?? '');
  expect(form.status).toBe(200);
  expect(form.body).toContain('alice@acme.example (researchers, vision-team)');
  return new URL(toLogin.location ?? '').searchParams.get('login_challenge') ?? '';
}

/** The whole browser side of the authorization-code flow: sign in through the app, consent, and the code at the redirect URI. */
async function authorize(browser: TestBrowser, client: HydraClient, user: { username: string; password: string }): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const challenge = await loginChallenge(browser, client, { verifier, state });
  const signedIn = await browser.request(idp.login.loginUrl, { form: { login_challenge: challenge, ...user } });
  expect(signedIn.status).toBe(302);
  const callback = new URL(await browser.followUntil(signedIn.location ?? '', REDIRECT_URI));
  expect(callback.searchParams.get('state')).toBe(state);
  const code = callback.searchParams.get('code') ?? '';
  expect(code).not.toBe('');
  return { code, verifier };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dv-idp-'));
  idp = await startDevIdentityProvider({ dir });
}, 30 * 60_000); // the first run on a machine builds Hydra (minutes); later runs start it in about a second

afterAll(async () => {
  await idp?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('Ory Hydra as the development identity provider', () => {
  it('publishes its issuer and JWKS in the OpenID discovery document', async () => {
    const discovery = (await (await fetch(`${idp.publicUrl}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(idp.issuer);
    expect(discovery.jwks_uri).toBe(`${idp.publicUrl}/.well-known/jwks.json`);
  });

  it('issues a JWT access token for client credentials that verifies against the JWKS: issuer, audience, expiry', async () => {
    const client = await admin<HydraClient>('POST', '/admin/clients', {
      client_name: 'service account',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      audience: [AUDIENCE],
      scope: 'dv.api',
    });
    const token = await clientCredentialsToken(client);
    const jwks = jwksOf();
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: idp.issuer, audience: AUDIENCE, algorithms: ['RS256'] });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ iss: idp.issuer, sub: client.client_id, client_id: client.client_id, aud: [AUDIENCE], scp: ['dv.api'] });
    // One hour from when Hydra began handling the request: `exp` is fixed then, `iat` when the token is
    // signed, a moment later (3598 s seen once under a load of 10), each rounded down to the second.
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeGreaterThanOrEqual(3590);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(3600);
    expect(Math.abs((payload.exp ?? 0) - (Date.now() / 1000 + 3600))).toBeLessThan(30);
    expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(30);

    // The checks a resource server relies on do fail: expired, wrong audience, wrong issuer, wrong secret.
    const afterExpiry = new Date(((payload.exp ?? 0) + 1) * 1000);
    await expect(jwtVerify(token, jwks, { issuer: idp.issuer, audience: AUDIENCE, currentDate: afterExpiry })).rejects.toBeInstanceOf(errors.JWTExpired);
    await expect(jwtVerify(token, jwks, { issuer: idp.issuer, audience: 'someone-else' })).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);
    await expect(jwtVerify(token, jwks, { issuer: 'http://127.0.0.1:1/', audience: AUDIENCE })).rejects.toBeInstanceOf(errors.JWTClaimValidationFailed);
    const forged = `${token.slice(0, token.lastIndexOf('.') + 1)}${Buffer.alloc(256, 1).toString('base64url')}`;
    await expect(jwtVerify(forged, jwks, { issuer: idp.issuer, audience: AUDIENCE })).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    expect((await tokenCall({ grant_type: 'client_credentials', audience: AUDIENCE }, { id: client.client_id, secret: 'wrong' })).status).toBe(401);
    // An audience the client was not given is refused, not silently dropped.
    expect(
      (await tokenCall({ grant_type: 'client_credentials', audience: 'other-api' }, { id: client.client_id, secret: client.client_secret ?? '' })).status,
    ).toBe(400);
  });

  it('runs the authorization-code flow with PKCE through the login-and-consent app: sub is the user, groups their groups', async () => {
    const client = await publicClient();
    const browser = new TestBrowser();
    const first = await authorize(browser, client, { username: 'alice@acme.example', password: idp.password });
    // PKCE: a code is worth nothing without its verifier (and the failed attempt spends it).
    const stolen = await tokenCall({
      grant_type: 'authorization_code',
      code: first.code,
      redirect_uri: REDIRECT_URI,
      client_id: client.client_id,
      code_verifier: randomBytes(32).toString('base64url'),
    });
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const { code, verifier } = await authorize(browser, client, { username: 'alice@acme.example', password: idp.password });
    const exchanged = await tokenCall({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: client.client_id,
      code_verifier: verifier,
    });
    expect(exchanged.status).toBe(200);
    const { payload } = await jwtVerify((exchanged.body as unknown as TokenResponse).access_token, jwksOf(), { issuer: idp.issuer, audience: AUDIENCE });
    expect(payload).toMatchObject({
      sub: 'alice@acme.example',
      groups: ['researchers', 'vision-team'],
      client_id: client.client_id,
      scp: ['openid', 'dv.api'],
    });
  });

  it('refuses a wrong password and an unknown user, and lets the sign-in be tried again', async () => {
    const browser = new TestBrowser();
    const challenge = await loginChallenge(browser, await publicClient());
    const wrong = await browser.request(idp.login.loginUrl, { form: { login_challenge: challenge, username: 'alice@acme.example', password: 'guess' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Unknown user or wrong password.');
    const unknown = await browser.request(idp.login.loginUrl, {
      form: { login_challenge: challenge, username: 'mallory@acme.example', password: idp.password },
    });
    expect(unknown.status).toBe(401);
    const signedIn = await browser.request(idp.login.loginUrl, { form: { login_challenge: challenge, username: 'dana@acme.example', password: idp.password } });
    expect(signedIn.status).toBe(302);
    expect(signedIn.location?.startsWith(`${idp.publicUrl}/oauth2/auth?`)).toBe(true);
  });

  it('answers bad requests to the login-and-consent app with 4xx, never 5xx', async () => {
    const browser = new TestBrowser();
    expect((await browser.request(idp.login.loginUrl)).status).toBe(400);
    expect((await browser.request(`${idp.login.loginUrl}?login_challenge=not-a-challenge`)).status).toBe(400);
    expect(
      (await browser.request(idp.login.loginUrl, { form: { login_challenge: 'not-a-challenge', username: 'alice@acme.example', password: idp.password } }))
        .status,
    ).toBe(400);
    expect((await browser.request(`${idp.login.consentUrl}?consent_challenge=not-a-challenge`)).status).toBe(400);
    expect((await browser.request(idp.login.loginUrl, { form: { login_challenge: 'x', password: 'x'.repeat(20_000) } })).status).toBe(413);
    expect((await browser.request(`${idp.login.url}/elsewhere`)).status).toBe(404);
  });

  it('signs new tokens with a key added through the admin API, which a resource server picks up from the JWKS', async () => {
    const client = await admin<HydraClient>('POST', '/admin/clients', {
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      audience: [AUDIENCE],
      scope: 'dv.api',
    });
    // One JWKS for the whole test, as a resource server keeps it: it fetches again when it meets an unknown key id.
    const jwks = jwksOf({ cooldownDuration: 0 });
    const before = await clientCredentialsToken(client);
    const oldKid = (await jwtVerify(before, jwks, { issuer: idp.issuer, audience: AUDIENCE })).protectedHeader.kid ?? '';
    expect(oldKid).not.toBe('');

    const newKid = `rotated-${randomBytes(4).toString('hex')}`;
    await admin('POST', `/admin/keys/${ACCESS_TOKEN_SET}`, { alg: 'RS256', kid: newKid, use: 'sig' });
    const after = await clientCredentialsToken(client);
    const verified: { payload: JWTPayload; protectedHeader: { kid?: string } } = await jwtVerify(after, jwks, { issuer: idp.issuer, audience: AUDIENCE });
    expect(verified.protectedHeader.kid).toBe(newKid);
    expect(verified.payload.sub).toBe(client.client_id);

    // Retiring the old key: tokens it signed no longer verify, new ones still do.
    await admin('DELETE', `/admin/keys/${ACCESS_TOKEN_SET}/${oldKid}`);
    const fresh = jwksOf();
    await expect(jwtVerify(before, fresh, { issuer: idp.issuer, audience: AUDIENCE })).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    expect((await jwtVerify(after, fresh, { issuer: idp.issuer, audience: AUDIENCE })).protectedHeader.kid).toBe(newKid);
  });

  it('startHydra: another Hydra has its own ports, issuer and keys, and stops cleanly', async () => {
    const other = await startHydra({ dir: join(dir, 'other') });
    try {
      expect(other.issuer).toBe(`${other.publicUrl}/`);
      expect(other.publicUrl.startsWith('http://127.0.0.1:')).toBe(true);
      // The admin API on a socket of its own (never TCP: decision 0023).
      expect(other.adminUrl).toBe(`unix:${other.adminSocket}`);
      expect(other.adminSocket).not.toBe(idp.adminSocket);
      expect(other.publicUrl).not.toBe(idp.publicUrl);
      const client = await admin<HydraClient>('POST', '/admin/clients', { grant_types: ['client_credentials'], audience: [AUDIENCE], scope: 'dv.api' });
      const token = await clientCredentialsToken(client);
      // A token of one provider is worth nothing to a resource server trusting the other.
      const otherJwks = createRemoteJWKSet(new URL(`${other.publicUrl}/.well-known/jwks.json`), { timeoutDuration: JWKS_TIMEOUT_MS });
      await expect(jwtVerify(token, otherJwks, { audience: AUDIENCE })).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    } finally {
      await other.stop();
    }
    expect(other.process.exitReason()).toBe('exit 0');
    await expect(adminRequest(other.adminUrl, 'GET', '/health/ready')).rejects.toThrow();
    await expect(fetch(`${other.publicUrl}/health/ready`)).rejects.toThrow();
  });
});
