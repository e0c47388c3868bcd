import { z } from 'zod';

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

/**
 * The provider's key set URL from its OpenID discovery document (`<issuer>/.well-known/openid-configuration`),
 * which must name the same issuer (OpenID Connect Discovery §4.3). Tried again for a while: in a
 * deployment the provider may come up after the gateway.
 */
export async function discoverJwksUrl(
  issuer: string,
  options: { attempts?: number; delayMs?: number; onRetry?: (error: string) => void } = {},
): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const attempts = options.attempts ?? 30;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`${url} answered ${response.status}`);
      const document = discoverySchema.parse(await response.json());
      if (document.issuer !== issuer) throw new Error(`${url} names the issuer ${document.issuer}, not ${issuer} (GATEWAY_OIDC_ISSUER)`);
      return document.jwks_uri;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
      if (attempt < attempts) {
        options.onRetry?.(last);
        await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 2000));
      }
    }
  }
  throw new Error(`OpenID discovery failed: ${last}`);
}
