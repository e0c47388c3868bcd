import { type DevIdentityProvider, TestBrowser, startDevIdentityProvider } from '@dv/testing';
import { decodeJwt } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HttpAnswer, GatewayHarness } from './gateway-harness';
import { AUDIENCE, type HydraClient, hydraAdmin } from './oidc-client';

/**
 * The token endpoints of the gateway (`POST /api/v2/token` form-encoded, `POST /api/v1/token` JSON),
 * forwarded to the real provider's token endpoint (Ory Hydra, found by OpenID discovery): every grant
 * it has, the tokens working at the gateway, the password grant refused as unsupported, the
 * provider's refusals as 400/401 and the provider out of reach as 503, in the platform's error body.
 */
const h = new GatewayHarness();
let idp: DevIdentityProvider;
let dir: string;

const REDIRECT_URI = 'http://127.0.0.1:9/callback'; // never fetched: the code is read from the redirect

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dv-tokens-test-'));
  idp = await startDevIdentityProvider({ dir });
  await h.startWithGateway(idp);
}, 30 * 60_000);

afterAll(async () => {
  await h.stopPlatform();
  await idp?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** A form-encoded POST to the gateway's /api/v2/token (no bearer token). */
function v2(form: Record<string, string> | string, headers: Record<string, string> = {}, url = h.baseUrl): Promise<HttpAnswer> {
  return fetch(`${url}/api/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
  }).then(async (response) => {
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  });
}

function v1(body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return h.http('POST', '/api/v1/token', { body, headers });
}

function expectError(answer: HttpAnswer, status: number): void {
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expect.objectContaining({ code: status, message: expect.any(String) }) });
}

/** 401 for the client's authentication (missing or unreadable), its message naming the field. */
function expectInvalidClient(answer: HttpAnswer, field: string): void {
  expectError(answer, 401);
  expect((answer.body as { message: string }).message).toMatch(new RegExp(`^${field}: `));
}

function issues(answer: HttpAnswer): string[] {
  return ((answer.body as { details?: { issues?: { field: string }[] } }).details?.issues ?? []).map((i) => i.field);
}

/** Works at the gateway: a read every caller may make. */
async function worksAtGateway(token: string): Promise<void> {
  expect((await h.http('GET', '/api/v1/datavolumes?requestType=Originated', { token })).status).toBe(200);
}

function machineClient(): Promise<HydraClient> {
  return hydraAdmin<HydraClient>(idp, 'POST', '/admin/clients', {
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    audience: [AUDIENCE],
  });
}

/** The browser half of the authorization-code flow (PKCE) through the login app: the code and its verifier. */
async function authorizationCode(client: HydraClient, username: string): Promise<{ code: string; verifier: string }> {
  const browser = new TestBrowser();
  const verifier = randomBytes(32).toString('base64url');
  const auth = new URL(`${idp.publicUrl}/oauth2/auth`);
  auth.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    scope: 'openid offline_access',
    audience: AUDIENCE,
    state: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const toLogin = await browser.request(auth.toString());
  const challenge = new URL(toLogin.location ?? '').searchParams.get('login_challenge') ?? '';
  const signedIn = await browser.request(idp.login.loginUrl, { form: { login_challenge: challenge, username, password: idp.password } });
  const callback = new URL(await browser.followUntil(signedIn.location ?? '', REDIRECT_URI));
  const code = callback.searchParams.get('code') ?? '';
  expect(code).not.toBe('');
  return { code, verifier };
}

describe('POST /api/v2/token (form-encoded, OAuth2)', () => {
  it('client_credentials with Basic client authentication: the reference shape, no-store, a JWT for the gateway audience that works there', async () => {
    const client = await machineClient();
    const answer = await v2({ grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret ?? '') });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number) });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const token = (answer.body as { access_token: string }).access_token;
    // The gateway asked for its audience: the client did not have to.
    expect(decodeJwt(token)).toMatchObject({ sub: client.client_id, aud: [AUDIENCE] });
    await worksAtGateway(token);
  });

  it("client_credentials with the credentials in the body: passed to the provider as Basic, the service accounts' method", async () => {
    const client = await machineClient();
    const answer = await v2({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret ?? '' });
    expect(answer.status).toBe(200);
    await worksAtGateway((answer.body as { access_token: string }).access_token);
  });

  it('authorization_code (PKCE) then refresh_token: a user token with an id token and a refresh token, and a refreshed one, both working', async () => {
    const client = await hydraAdmin<HydraClient>(idp, 'POST', '/admin/clients', {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      audience: [AUDIENCE],
      scope: 'openid offline_access',
    });
    const { code, verifier } = await authorizationCode(client, 'alice@acme.example');
    const answer = await v2({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: client.client_id, code_verifier: verifier });
    expect(answer.status).toBe(200);
    const issued = answer.body as { access_token: string; refresh_token: string; id_token: string };
    expect(issued).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    });
    expect(decodeJwt(issued.access_token)).toMatchObject({ sub: 'alice@acme.example', groups: ['researchers', 'vision-team'], aud: [AUDIENCE] });
    await worksAtGateway(issued.access_token);

    const refreshed = await v2({ grant_type: 'refresh_token', refresh_token: issued.refresh_token, client_id: client.client_id });
    expect({ status: refreshed.status, body: refreshed.body }).toEqual({ status: 200, body: expect.objectContaining({ refresh_token: expect.any(String) }) });
    const again = refreshed.body as { access_token: string; refresh_token: string };
    expect(decodeJwt(again.access_token)).toMatchObject({ sub: 'alice@acme.example', aud: [AUDIENCE] });
    await worksAtGateway(again.access_token);

    // The older endpoint refreshes too, in its own shape.
    const v1Refreshed = await v1({ grantType: 'refresh_token', refreshToken: again.refresh_token, clientId: client.client_id });
    expect(v1Refreshed.status).toBe(200);
    expect(v1Refreshed.body).toEqual({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      idToken: expect.any(String),
      expiresIn: expect.any(Number),
    });
    await worksAtGateway((v1Refreshed.body as { accessToken: string }).accessToken);
    // A refresh token used once is spent (rotation): the provider's invalid_grant, as 400.
    const reused = await v2({ grant_type: 'refresh_token', refresh_token: issued.refresh_token, client_id: client.client_id });
    expectError(reused, 400);
    expect((reused.body as { details: { error: string } }).details.error).toBe('invalid_grant');
    // The code is spent (and using it again revokes what it gave, RFC 6749 §4.1.2: so this comes last).
    const codeAgain = await v2({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: client.client_id, code_verifier: verifier });
    expectError(codeAgain, 400);
  });

  it('refuses the password grant as unsupported (400, unsupported_grant_type), without asking the provider', async () => {
    const answer = await v2({ grant_type: 'password', username: 'alice@acme.example', password: 'dev-password', client_id: 'any' });
    expectError(answer, 400);
    expect(answer.body).toMatchObject({ details: { error: 'unsupported_grant_type' } });
    expect((answer.body as { message: string }).message).toContain('password is not supported');
  });

  it("maps the provider's refusals: a wrong secret or unknown client 401, a bad grant 400", async () => {
    const client = await machineClient();
    expectError(await v2({ grant_type: 'client_credentials' }, { authorization: basic(client.client_id, 'wrong') }), 401);
    expectError(await v2({ grant_type: 'client_credentials' }, { authorization: basic('no-such-client', 'x') }), 401);
    const badRefresh = await v2({ grant_type: 'refresh_token', refresh_token: 'not-a-token', client_id: client.client_id }, {});
    expect(badRefresh.status === 400 || badRefresh.status === 401).toBe(true);
    expectError(badRefresh, badRefresh.status);
  });

  it('refuses bad input with 400 naming the field, never 5xx', async () => {
    const auth = { authorization: basic('some-client', 'some-secret') };
    expect(issues(await v2({}, auth))).toEqual(['grant_type']);
    expect(issues(await v2({ grant_type: 'implicit' }, auth))).toEqual(['grant_type']);
    expect(issues(await v2('grant_type=client_credentials&grant_type=refresh_token', auth))).toEqual(['grant_type']);
    expect(issues(await v2({ grant_type: 'client_credentials', audience: 'elsewhere' }, auth))).toEqual(['audience']);
    // No client authentication, or one that cannot be read: 401 invalid_client (RFC 6749 §5.2), the message naming what is missing.
    expectInvalidClient(await v2({ grant_type: 'client_credentials' }), 'client_id');
    expectInvalidClient(await v2({ grant_type: 'client_credentials', client_id: 'x' }), 'client_secret');
    expect(issues(await v2({ grant_type: 'client_credentials', client_id: 'x' }, auth))).toEqual(['client_id']);
    expectInvalidClient(await v2({ grant_type: 'client_credentials' }, { authorization: 'Basic !!!' }), 'authorization');
    expectInvalidClient(
      await v2({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` }),
      'authorization',
    );
    expect(issues(await v2({ grant_type: 'refresh_token', client_id: 'x' }))).toEqual(['refresh_token']);
    expect(issues(await v2({ grant_type: 'authorization_code', client_id: 'x', code: 'c' }))).toEqual(['redirect_uri']);
    expect(issues(await v2({ grant_type: 'client_credentials', scope: 'x'.repeat(2000) }, auth))).toEqual(['scope']);
    // JSON is not the OAuth2 endpoint's format.
    const json = await h.http('POST', '/api/v2/token', { body: { grant_type: 'client_credentials' } });
    expect(issues(json)).toEqual(['content-type']);
    const odd = [
      await v2('%%%'),
      await v2('grant_type=client_credentials&__proto__=x', auth),
      await v2(`grant_type=client_credentials&client_id=${'x'.repeat(5000)}&client_secret=y`),
      await h.http('POST', '/api/v2/token', { body: 'grant_type=x', headers: { 'content-type': 'text/plain' } }),
    ];
    expect(odd.map((a) => a.status).filter((s) => s < 400 || s >= 500)).toEqual([]);
  });
});

describe('POST /api/v1/token (JSON)', () => {
  it('app_token (AppId, AppSecret) and client_credentials (clientId, clientSecret): {accessToken, expiresIn}, working at the gateway', async () => {
    const client = await machineClient();
    for (const body of [
      { grantType: 'app_token', AppId: client.client_id, AppSecret: client.client_secret },
      { grantType: 'client_credentials', clientId: client.client_id, clientSecret: client.client_secret },
    ]) {
      const answer = await v1(body);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ accessToken: expect.any(String), expiresIn: expect.any(Number) });
      expect(answer.headers.get('cache-control')).toBe('no-store');
      const token = (answer.body as { accessToken: string }).accessToken;
      expect(decodeJwt(token)).toMatchObject({ sub: client.client_id, aud: [AUDIENCE] });
      await worksAtGateway(token);
    }
    // Basic client authentication works here too.
    expect((await v1({ grantType: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret ?? '') })).status).toBe(200);
  });

  it('refuses password (400 unsupported_grant_type), a wrong secret (401), and bad input naming the field', async () => {
    const password = await v1({ grantType: 'password', username: 'alice@acme.example', password: 'dev-password' });
    expectError(password, 400);
    expect(password.body).toMatchObject({ details: { error: 'unsupported_grant_type' } });
    const client = await machineClient();
    expectError(await v1({ grantType: 'app_token', AppId: client.client_id, AppSecret: 'wrong' }), 401);
    expect(issues(await v1({}))).toEqual(['grantType']);
    expectInvalidClient(await v1({ grantType: 'app_token', AppId: 'x' }), 'AppSecret');
    expectInvalidClient(await v1({ grantType: 'app_token', AppSecret: 'x' }), 'AppId');
    expect(issues(await v1({ grantType: 'refresh_token', clientId: 'x' }))).toEqual(['refreshToken']);
    expect(issues(await v1({ grantType: 'client_credentials', clientId: 'x', clientSecret: 'y', audience: 'z' }))).toEqual(['audience']);
    expect(issues(await v1({ grantType: 'client_credentials', clientId: 42, clientSecret: 'y' }))).toEqual(['clientId']);
    expect(issues(await v1('{"grantType":'))).toEqual(['body']);
    expect(issues(await v1('grantType=app_token', { 'content-type': 'application/x-www-form-urlencoded' }))).toEqual(['content-type']);
  });
});

describe('the provider out of reach', () => {
  it('answers 503 with the platform message (both endpoints), while bad input is still 400', async () => {
    const replica = await h.addReplica({
      name: 'gateway',
      env: {
        GATEWAY_PORT: '0',
        GATEWAY_OIDC_ISSUER: idp.issuer,
        GATEWAY_OIDC_AUDIENCE: AUDIENCE,
        // Nothing listens there (the discard port): the token endpoint is down.
        GATEWAY_OIDC_TOKEN_URL: 'http://127.0.0.1:9/oauth2/token',
      },
    });
    try {
      const url = `http://127.0.0.1:${/"msg":"service ready".*?"httpPort":(\d+)/.exec(replica.output())?.[1] ?? ''}`;
      const down = await v2({ grant_type: 'client_credentials' }, { authorization: basic('a-client', 'a-secret') }, url);
      expect({ status: down.status, body: down.body }).toEqual({ status: 503, body: { code: 503, message: 'Please try again in few minutes.' } });
      const downV1 = await fetch(`${url}/api/v1/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grantType: 'app_token', AppId: 'a', AppSecret: 'b' }),
      });
      expect(downV1.status).toBe(503);
      expect((await v2({ grant_type: 'password' }, {}, url)).status).toBe(400);
    } finally {
      await replica.stop();
    }
  });
});
