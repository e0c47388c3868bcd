import { type ApiClient } from '../core/api-client';
import { CliError, EXIT } from '../core/cli-error';
import { type CommandContext } from '../core/command';
import { type OidcSettings } from '../core/config-file';
import { listenForRedirect } from './loopback-redirect';
import { openInBrowser } from './open-browser';
import { newPkce, newState } from './pkce';
import { type ProviderMetadata, discoverProvider } from './provider-metadata';

/** `openid` for the subject, `offline_access` for a refresh token, `dv.api` for the gateway. */
export const SIGN_IN_SCOPE = 'openid offline_access dv.api';

/** How long `dv login` waits for the browser to come back. */
export const SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/** The authorization request of RFC 6749 §4.1.1 with PKCE S256 (RFC 7636) and the audience of the gateway. */
export function authorizationUrl(
  provider: ProviderMetadata,
  oidc: OidcSettings,
  request: { redirectUri: string; state: string; codeChallenge: string },
): string {
  const url = new URL(provider.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', oidc.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('scope', SIGN_IN_SCOPE);
  url.searchParams.set('audience', oidc.audience);
  url.searchParams.set('state', request.state);
  url.searchParams.set('code_challenge', request.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/**
 * A person signs in through the browser (RFC 8252): a listener on a loopback port, the provider's
 * sign-in page opened (or its address printed), the code that comes back exchanged with the PKCE
 * verifier. The subject signed in as is returned.
 */
export async function browserSignIn(
  api: ApiClient,
  oidc: OidcSettings,
  ctx: CommandContext,
  options: { openBrowser: boolean; timeoutMs?: number },
): Promise<string> {
  const provider = await discoverProvider(oidc.issuer);
  const pkce = newPkce();
  const state = newState();
  const listener = await listenForRedirect(state, options.timeoutMs ?? SIGN_IN_TIMEOUT_MS);
  try {
    const url = authorizationUrl(provider, oidc, { redirectUri: listener.redirectUri, state, codeChallenge: pkce.challenge });
    const opened = options.openBrowser && openInBrowser(url, ctx.env);
    ctx.err(
      `${opened ? 'Sign in in the browser window just opened. If none opened, visit:' : 'Sign in by visiting this address in a browser on this machine:'}\n  ${url}\n`,
    );
    ctx.err(`Waiting for the sign-in (at most ${Math.round((options.timeoutMs ?? SIGN_IN_TIMEOUT_MS) / 60_000)} min)…\n`);
    const code = await listener.code;
    const accessToken = await api.loginWithAuthorizationCode(oidc, { code, redirectUri: listener.redirectUri, codeVerifier: pkce.verifier });
    return subjectOf(accessToken);
  } finally {
    await listener.close();
  }
}

/** The `sub` of a JWT, read without verifying (the gateway verifies; this is only what we print). */
export function subjectOf(token: string): string {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
    if (typeof claims.sub === 'string') return claims.sub;
  } catch {
    // not a JWT: said below
  }
  throw new CliError('the provider issued an access token that is not a JWT with a subject', EXIT.failed);
}

/**
 * Revokes a person's refresh token at the provider (RFC 7009; a public client names itself by
 * client_id). Hydra revokes the access tokens of the same grant with it; a JWT access token already
 * handed out stays valid for the gateway until it expires, so `dv logout` forgets it too.
 */
export async function revokeRefreshToken(oidc: OidcSettings, refreshToken: string): Promise<void> {
  const provider = await discoverProvider(oidc.issuer);
  if (provider.revocationEndpoint === undefined) throw new CliError(`${oidc.issuer} offers no token revocation (RFC 7009)`, EXIT.failed);
  let response: Response;
  try {
    response = await fetch(provider.revocationEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: oidc.clientId }).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new CliError(`cannot reach the identity provider to revoke the sign-in: ${cause}`, EXIT.unavailable);
  }
  // RFC 7009 §2.2: 200 also for a token already invalid.
  if (response.status !== 200) {
    const text = (await response.text().catch(() => '')).slice(0, 300);
    throw new CliError(
      `the identity provider refused to revoke the sign-in: ${response.status} ${text}`,
      response.status >= 500 ? EXIT.unavailable : EXIT.failed,
    );
  }
}
