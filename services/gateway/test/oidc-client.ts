// Gets real tokens from the development identity provider (Ory Hydra and our login app) the way a
// console and a script do: a user through the authorization-code flow with PKCE, a service account
// through client credentials. The gateway's tests use them; nothing here is faked.
import { type DevIdentityProvider, type HydraClient, TestBrowser, hydraAdmin as adminCall } from '@dv/testing';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export const AUDIENCE = 'dv-gateway';
const REDIRECT_URI = 'http://127.0.0.1:9/callback'; // never fetched: the code is read from the redirect

export { type HydraClient } from '@dv/testing';

export function hydraAdmin<T>(idp: DevIdentityProvider, method: string, path: string, body?: unknown): Promise<T> {
  return adminCall<T>(idp.adminUrl, method, path, body);
}

async function tokenCall(idp: DevIdentityProvider, form: Record<string, string>, basic?: HydraClient): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic)
    headers['authorization'] =
      `Basic ${Buffer.from(`${encodeURIComponent(basic.client_id)}:${encodeURIComponent(basic.client_secret ?? '')}`).toString('base64')}`;
  const response = await fetch(`${idp.publicUrl}/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || body.access_token === undefined) {
    // The provider's own account of a failure, for whoever reads the test's output.
    const log = await readFile(idp.process.logPath, 'utf8').catch(() => '');
    throw new Error(
      `token call answered ${response.status}: ${JSON.stringify(body)}\nlast lines of ${idp.process.logPath}:\n${log.split('\n').slice(-15).join('\n')}`,
    );
  }
  return body.access_token;
}

/** A client-credentials client (a service account) for the given audience. */
export function serviceAccountClient(idp: DevIdentityProvider, audience = AUDIENCE): Promise<HydraClient> {
  return hydraAdmin<HydraClient>(idp, 'POST', '/admin/clients', {
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'client_secret_basic',
    audience: [audience],
    scope: 'dv.api',
  });
}

export function clientCredentialsToken(idp: DevIdentityProvider, client: HydraClient, audience = AUDIENCE): Promise<string> {
  return tokenCall(idp, { grant_type: 'client_credentials', audience, scope: 'dv.api' }, client);
}

/** A user's access token: sign-in through the login app, consent, code exchanged with its PKCE verifier. */
export async function userToken(idp: DevIdentityProvider, username: string, audience = AUDIENCE): Promise<string> {
  const client = await hydraAdmin<HydraClient>(idp, 'POST', '/admin/clients', {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [REDIRECT_URI],
    token_endpoint_auth_method: 'none',
    audience: [audience],
    scope: 'openid dv.api',
  });
  const browser = new TestBrowser();
  const verifier = randomBytes(32).toString('base64url');
  const auth = new URL(`${idp.publicUrl}/oauth2/auth`);
  auth.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    scope: 'openid dv.api',
    audience,
    state: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const toLogin = await browser.request(auth.toString());
  const challenge = new URL(toLogin.location ?? '').searchParams.get('login_challenge') ?? '';
  let next = (await browser.request(idp.login.loginUrl, { form: { login_challenge: challenge, username, password: idp.password } })).location ?? '';
  for (let hop = 0; hop < 10 && !next.startsWith(REDIRECT_URI); hop++) next = (await browser.request(next)).location ?? '';
  const code = new URL(next).searchParams.get('code');
  if (!code) throw new Error(`no authorization code for ${username} (ended at ${next})`);
  return tokenCall(idp, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, client_id: client.client_id, code_verifier: verifier });
}
