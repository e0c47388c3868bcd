import { adminRequest } from './admin-request';

/** The few calls of Hydra's admin API the login-and-consent app makes (https://www.ory.sh/docs/hydra/reference/api). */

/** Hydra answered 4xx about a challenge (unknown, used or expired): the browser's request is at fault. */
export class ChallengeRejectedError extends Error {
  override readonly name = 'ChallengeRejectedError';
}

export interface LoginRequest {
  skip: boolean;
  subject: string;
}

export interface ConsentRequest {
  subject: string;
  requested_scope?: string[];
  requested_access_token_audience?: string[];
}

interface Redirect {
  redirect_to: string;
}

export class HydraAdmin {
  constructor(private readonly adminUrl: string) {}

  loginRequest(challenge: string): Promise<LoginRequest> {
    return this.call<LoginRequest>('GET', `/admin/oauth2/auth/requests/login?login_challenge=${encodeURIComponent(challenge)}`);
  }

  async acceptLogin(challenge: string, subject: string): Promise<string> {
    const body = { subject, remember: false };
    return (await this.call<Redirect>('PUT', `/admin/oauth2/auth/requests/login/accept?login_challenge=${encodeURIComponent(challenge)}`, body)).redirect_to;
  }

  consentRequest(challenge: string): Promise<ConsentRequest> {
    return this.call<ConsentRequest>('GET', `/admin/oauth2/auth/requests/consent?consent_challenge=${encodeURIComponent(challenge)}`);
  }

  /** Grants what was asked; `accessTokenClaims` go to session.access_token (the JWT's `ext`, and top level where allowed). */
  async acceptConsent(
    challenge: string,
    request: ConsentRequest,
    accessTokenClaims: Record<string, unknown>,
    idTokenClaims: Record<string, unknown>,
  ): Promise<string> {
    const body = {
      grant_scope: request.requested_scope ?? [],
      grant_access_token_audience: request.requested_access_token_audience ?? [],
      remember: false,
      session: { access_token: accessTokenClaims, id_token: idTokenClaims },
    };
    return (await this.call<Redirect>('PUT', `/admin/oauth2/auth/requests/consent/accept?consent_challenge=${encodeURIComponent(challenge)}`, body))
      .redirect_to;
  }

  async rejectConsent(challenge: string, description: string): Promise<string> {
    const body = { error: 'access_denied', error_description: description };
    return (await this.call<Redirect>('PUT', `/admin/oauth2/auth/requests/consent/reject?consent_challenge=${encodeURIComponent(challenge)}`, body))
      .redirect_to;
  }

  async acceptLogout(challenge: string): Promise<string> {
    return (await this.call<Redirect>('PUT', `/admin/oauth2/auth/requests/logout/accept?logout_challenge=${encodeURIComponent(challenge)}`)).redirect_to;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, text } = await adminRequest(this.adminUrl, method, path, body);
    if (status >= 400 && status < 500) throw new ChallengeRejectedError(`Hydra refused ${method} ${path.split('?')[0]}: ${status} ${text}`);
    if (status < 200 || status >= 300) throw new Error(`Hydra failed ${method} ${path.split('?')[0]}: ${status} ${text}`);
    return JSON.parse(text) as T;
  }
}
