import { hydraAdmin } from './oidc-test-client';

/**
 * The redirect URI the command line's client registers: a loopback IP literal without a port, which
 * Hydra (fosite) matches with any port at request time, as RFC 8252 §7.3 asks for a native app's
 * ephemeral listener.
 */
export const CLI_REDIRECT_URI = 'http://127.0.0.1/callback';

/** What `dv login` asks for (apps/cli/src/sign-in/browser-sign-in.ts): the subject, a refresh token, the gateway. */
export const CLI_SCOPE = 'openid offline_access dv.api';

export interface RegisterCliClientOptions {
  /** The gateway's audience, which the client may ask tokens for. */
  audience: string;
  /** Lifetime of the access tokens it gets by code and by refresh (e.g. "40s"): Hydra's per-client lifespans. Hydra's default otherwise. */
  accessTokenLifespan?: string;
}

/**
 * Registers the command line's public client at the development provider (Ory Hydra's admin API):
 * authorization code with PKCE and refresh tokens, no secret (a program on a person's machine keeps
 * none), redirected to a loopback listener. Its client id is what `dv login --oidc-client-id` (or
 * DV_OIDC_CLIENT_ID) names; a production provider has its own, set by configuration.
 */
export async function registerCliClient(adminUrl: string, options: RegisterCliClientOptions): Promise<string> {
  const client = await hydraAdmin<{ client_id: string }>(adminUrl, 'POST', '/admin/clients', {
    client_name: 'dv-cli',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    redirect_uris: [CLI_REDIRECT_URI],
    scope: CLI_SCOPE,
    audience: [options.audience],
  });
  if (options.accessTokenLifespan !== undefined) {
    await hydraAdmin(adminUrl, 'PUT', `/admin/clients/${encodeURIComponent(client.client_id)}/lifespans`, {
      authorization_code_grant_access_token_lifespan: options.accessTokenLifespan,
      refresh_token_grant_access_token_lifespan: options.accessTokenLifespan,
    });
  }
  return client.client_id;
}
