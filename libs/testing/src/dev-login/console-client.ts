import { type HydraClient, hydraAdmin } from './oidc-test-client';

/** The console's path of the provider's answer and of the page after sign-out (apps/console/src/auth/session.ts). */
export const CONSOLE_CALLBACK_PATH = '/console/callback';
export const CONSOLE_SIGNED_OUT_PATH = '/console/signed-out';

/**
 * The web console's OAuth2 client at the development provider: public (no secret: PKCE proves the
 * code's requester), authorization code and refresh token (offline_access), its redirect and
 * post-logout URIs on the gateway's origin, and the API's audience. Returns its client id (GATEWAY_CONSOLE_CLIENT_ID).
 */
export async function registerConsoleClient(adminUrl: string, gatewayOrigin: string, audience: string): Promise<string> {
  const client = await hydraAdmin<HydraClient>(adminUrl, 'POST', '/admin/clients', {
    client_name: 'dv-console',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [`${gatewayOrigin}${CONSOLE_CALLBACK_PATH}`],
    post_logout_redirect_uris: [`${gatewayOrigin}${CONSOLE_SIGNED_OUT_PATH}`],
    token_endpoint_auth_method: 'none',
    audience: [audience],
    scope: 'openid offline_access dv.api',
  });
  return client.client_id;
}
