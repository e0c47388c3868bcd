import { CliError, EXIT } from '../core/cli-error';

/** What `dv` needs of the identity provider's OpenID discovery document (OpenID Connect Discovery 1.0 §3). */
export interface ProviderMetadata {
  issuer: string;
  authorizationEndpoint: string;
  /** RFC 7009; absent: `dv logout` can only forget the tokens. */
  revocationEndpoint?: string;
  /** RFC 8628; absent when the provider has no device flow (Ory Hydra v2.3.0 has none). */
  deviceAuthorizationEndpoint?: string;
}

const TIMEOUT_MS = 30_000;

function urlField(document: Record<string, unknown>, name: string, where: string): string | undefined {
  const value = document[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new CliError(`${where}: ${name} is not a URL`, EXIT.failed);
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new CliError(`${where}: ${name} is not an http(s) URL`, EXIT.failed);
  }
  return value;
}

/** Reads and checks the discovery document; it must name the same issuer (§4.3), or a look-alike could pose as the provider. */
export function parseProviderMetadata(issuer: string, body: unknown, where: string): ProviderMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CliError(`${where} is not a discovery document`, EXIT.failed);
  const document = body as Record<string, unknown>;
  if (document['issuer'] !== issuer) throw new CliError(`${where} names the issuer ${String(document['issuer'])}, not ${issuer}`, EXIT.failed);
  const authorizationEndpoint = urlField(document, 'authorization_endpoint', where);
  if (authorizationEndpoint === undefined) throw new CliError(`${where} has no authorization_endpoint`, EXIT.failed);
  const revocationEndpoint = urlField(document, 'revocation_endpoint', where);
  const deviceAuthorizationEndpoint = urlField(document, 'device_authorization_endpoint', where);
  return {
    issuer,
    authorizationEndpoint,
    ...(revocationEndpoint === undefined ? {} : { revocationEndpoint }),
    ...(deviceAuthorizationEndpoint === undefined ? {} : { deviceAuthorizationEndpoint }),
  };
}

/** `<issuer>/.well-known/openid-configuration`, fetched and checked. */
export async function discoverProvider(issuer: string): Promise<ProviderMetadata> {
  const where = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(where, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
  } catch (error) {
    const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new CliError(`cannot reach the identity provider at ${issuer}: ${cause}`, EXIT.unavailable);
  }
  if (!response.ok) throw new CliError(`${where} answered ${response.status}`, response.status >= 500 ? EXIT.unavailable : EXIT.failed);
  let body: unknown;
  try {
    body = (await response.json()) as unknown;
  } catch {
    throw new CliError(`${where} is not JSON`, EXIT.failed);
  }
  return parseProviderMetadata(issuer, body, where);
}
