import { z } from 'zod';

const discoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  end_session_endpoint: z.url().optional(),
  revocation_endpoint: z.url().optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
});

/** What the console needs of the provider to sign a person in and out, from its OpenID discovery document. */
export interface ProviderEndpoints {
  authorizationEndpoint: string;
  endSessionEndpoint?: string;
  revocationEndpoint?: string;
}

/**
 * The provider's endpoints, fetched once (the first console start after the gateway's) and kept: the
 * browser cannot read the discovery document itself when the provider sends no CORS headers, and the
 * gateway already trusts this issuer. A failed fetch is not kept, so the next console start tries again.
 */
export class ProviderEndpointsCache {
  private pending: Promise<ProviderEndpoints> | undefined;

  constructor(
    private readonly issuer: string,
    private readonly timeoutMs: number,
  ) {}

  get(): Promise<ProviderEndpoints> {
    this.pending ??= this.fetch().catch((error: unknown) => {
      this.pending = undefined;
      throw error;
    });
    return this.pending;
  }

  private async fetch(): Promise<ProviderEndpoints> {
    const url = `${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    const document = discoverySchema.parse(await response.json());
    if (document.issuer !== this.issuer) throw new Error(`${url} names the issuer ${document.issuer}, not ${this.issuer}`);
    // PKCE with S256 is the console's only sign-in: a provider that says it lacks it is refused here, not at the first sign-in.
    const methods = document.code_challenge_methods_supported;
    if (methods !== undefined && !methods.includes('S256')) throw new Error(`${url}: the provider does not support PKCE S256`);
    return {
      authorizationEndpoint: document.authorization_endpoint,
      ...(document.end_session_endpoint === undefined ? {} : { endSessionEndpoint: document.end_session_endpoint }),
      ...(document.revocation_endpoint === undefined ? {} : { revocationEndpoint: document.revocation_endpoint }),
    };
  }
}
