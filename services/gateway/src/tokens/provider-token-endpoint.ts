import { DvError } from '@dv/contracts';
import { UnauthorizedException } from '@nestjs/common';
import { z } from 'zod';
import { type ProviderToken, providerTokenSchema } from './token-answers';
import { type TokenGrant, providerTokenRequest } from './token-grants';

export interface ProviderTokenEndpointOptions {
  issuer: string;
  /** GATEWAY_OIDC_TOKEN_URL; found through OpenID discovery when undefined. */
  tokenUrl: string | undefined;
  audience: string;
  timeoutMs: number;
}

const discoverySchema = z.object({ issuer: z.string(), token_endpoint: z.url() });
const providerErrorSchema = z.object({ error: z.string().max(200), error_description: z.string().max(2000).optional() });

/**
 * The identity provider's token endpoint, where the gateway's token calls are forwarded: the grant as
 * the client asked (its credentials passed on as it sent them), the gateway's audience added for client
 * credentials. The provider's refusals come back as 400 (a bad request or grant) or 401 (client
 * authentication failed) in the platform's error body, with the OAuth2 error code in `details.error`;
 * a provider that cannot be reached, is slow or answers 5xx is 503.
 */
export class ProviderTokenEndpoint {
  private discovered: string | undefined;

  constructor(private readonly options: ProviderTokenEndpointOptions) {}

  async exchange(grant: TokenGrant): Promise<ProviderToken> {
    const url = await this.url();
    const { form, authorization } = providerTokenRequest(grant, this.options.audience);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...(authorization ? { authorization } : {}) },
        body: form.toString(),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw DvError.unavailable('the identity provider did not answer the token request', { cause: error instanceof Error ? error.message : String(error) });
    }
    if (response.status >= 500) throw DvError.unavailable(`the identity provider answered ${response.status}`, { status: response.status });
    let body: unknown;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      throw DvError.unavailable('the identity provider answered the token request with something that is not JSON', { status: response.status });
    }
    if (response.status === 200) {
      const token = providerTokenSchema.safeParse(body);
      if (!token.success) throw DvError.unavailable("the identity provider's token answer has an unexpected shape");
      return token.data;
    }
    const refusal = providerErrorSchema.safeParse(body);
    const error = refusal.success ? refusal.data.error : 'invalid_request';
    const message =
      refusal.success && refusal.data.error_description ? refusal.data.error_description : `The identity provider refused the request (${error}).`;
    // 401: the client's credentials (invalid_client); everything else the provider refuses is the request's fault.
    if (response.status === 401) throw new UnauthorizedException(message);
    throw DvError.validation(message, { error });
  }

  private async url(): Promise<string> {
    if (this.options.tokenUrl !== undefined) return this.options.tokenUrl;
    if (this.discovered !== undefined) return this.discovered;
    const at = `${this.options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    try {
      const response = await fetch(at, { signal: AbortSignal.timeout(this.options.timeoutMs) });
      if (!response.ok) throw new Error(`${at} answered ${response.status}`);
      const document = discoverySchema.parse(await response.json());
      if (document.issuer !== this.options.issuer) throw new Error(`${at} names the issuer ${document.issuer}`);
      this.discovered = document.token_endpoint;
      return document.token_endpoint;
    } catch (error) {
      throw DvError.unavailable("the identity provider's token endpoint could not be found (OpenID discovery)", {
        cause: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
