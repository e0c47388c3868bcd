import { CliError, EXIT, exitCodeOfStatus } from './cli-error';
import { type CliConfig, type Env, type OidcSettings, configPath, readConfig, writeConfig } from './config-file';
import { withFileLock } from './file-lock';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface ApiRequest {
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

/** A token answer of `POST /api/v2/token` (OAuth2). */
interface TokenAnswer {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
}

/** A token is renewed this long before it expires, so a call never leaves with a token about to lapse. */
const RENEW_BEFORE_MS = 30_000;
const TIMEOUT_MS = 30_000;

/**
 * The gateway as `dv` talks to it: the base URL and the token from the configuration (or `DV_API_URL`
 * and `DV_TOKEN`), a new token when the last one is about to expire (by client credentials for a service
 * account, by the refresh token for a person), and every non-2xx answer as a CliError with the API's
 * message and an exit code by status.
 */
export class ApiClient {
  private constructor(
    readonly url: string,
    private config: CliConfig,
    private readonly path: string,
    private readonly envToken: string | undefined,
  ) {}

  static async open(env: Env, options: { needToken?: boolean } = {}): Promise<ApiClient> {
    const path = configPath(env);
    const config = await readConfig(path);
    const url = (env['DV_API_URL'] || config.url || '').replace(/\/+$/, '');
    if (url === '') throw new CliError('no gateway URL: run `dv login --url <gateway>` (or set DV_API_URL)', EXIT.unauthenticated);
    checkUrl(url);
    const client = new ApiClient(url, config, path, env['DV_TOKEN'] || undefined);
    if (options.needToken !== false && client.envToken === undefined && config.token === undefined && config.credentials === undefined)
      throw new CliError('not signed in: run `dv login`', EXIT.unauthenticated);
    return client;
  }

  get project(): string | undefined {
    return this.config.project;
  }

  async json<T>(method: string, path: string, request: ApiRequest = {}): Promise<T> {
    const response = await this.send(method, path, request);
    const text = await response.text();
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(`${method} ${path}: the gateway answered ${response.status} with a body that is not JSON`, EXIT.failed);
    }
  }

  /** The answer itself (for downloads read as a stream); a non-2xx answer is thrown as a CliError. */
  async send(method: string, path: string, request: ApiRequest = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers, authorization: `Bearer ${await this.token()}` };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.fetch(`${this.url}${path}${queryString(request.query)}`, {
      method,
      headers,
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    if (!response.ok) throw await apiError(method, path, response);
    return response;
  }

  /** Signs in with a service account's client credentials; the configuration keeps them (owner-only file). */
  async loginWithClientCredentials(clientId: string, clientSecret: string): Promise<void> {
    const token = await this.tokenCall({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    this.config = { ...this.config, url: this.url, credentials: { clientId, clientSecret }, token };
    await writeConfig(this.path, this.config);
  }

  /**
   * A person's sign-in: the authorization code the browser brought back to the loopback listener,
   * exchanged with its PKCE verifier at the gateway's token endpoint (which forwards to the provider).
   * The refresh token is kept (owner-only file) to renew the access token on later commands.
   */
  async loginWithAuthorizationCode(oidc: OidcSettings, grant: { code: string; redirectUri: string; codeVerifier: string }): Promise<string> {
    const token = await this.tokenCall({
      grant_type: 'authorization_code',
      client_id: oidc.clientId,
      code: grant.code,
      redirect_uri: grant.redirectUri,
      code_verifier: grant.codeVerifier,
    });
    const { credentials: _dropped, ...rest } = this.config;
    this.config = { ...rest, url: this.url, oidc, token };
    await writeConfig(this.path, this.config);
    return token.accessToken;
  }

  /** The provider and refresh token of a person's sign-in, if that is how `dv` is signed in. */
  get personSession(): { oidc: OidcSettings; refreshToken: string } | undefined {
    const refreshToken = this.config.token?.refreshToken;
    return this.config.oidc === undefined || refreshToken === undefined ? undefined : { oidc: this.config.oidc, refreshToken };
  }

  /** The provider `dv login` used last (so a later `dv login` needs no flags). */
  get oidc(): OidcSettings | undefined {
    return this.config.oidc;
  }

  /** Keeps a token obtained elsewhere (e.g. the console's); it is used until it expires. */
  async loginWithToken(accessToken: string): Promise<void> {
    const expiresAt = expiryOf(accessToken);
    const { credentials: _dropped, ...rest } = this.config;
    this.config = { ...rest, url: this.url, token: { accessToken, ...(expiresAt === undefined ? {} : { expiresAt }) } };
    await writeConfig(this.path, this.config);
  }

  async logout(): Promise<void> {
    const { credentials: _c, token: _t, ...rest } = this.config;
    this.config = rest;
    await writeConfig(this.path, this.config);
  }

  async setProject(project: string | undefined): Promise<void> {
    const { project: _p, ...rest } = this.config;
    this.config = project === undefined ? rest : { ...rest, project };
    await writeConfig(this.path, this.config);
  }

  private async token(): Promise<string> {
    if (this.envToken !== undefined) return this.envToken;
    const fresh = freshToken(this.config);
    if (fresh !== undefined) return fresh;
    if (this.config.token === undefined && this.config.credentials === undefined) throw new CliError('not signed in: run `dv login`', EXIT.unauthenticated);
    // One renewal at a time across dv processes: a refresh token is single-use.
    return withFileLock(`${this.path}.lock`, async () => {
      // Another dv may have renewed the token while this one waited for the lock.
      this.config = await readConfig(this.path);
      const renewedMeanwhile = freshToken(this.config);
      if (renewedMeanwhile !== undefined) return renewedMeanwhile;
      const token = this.config.token;
      if (token?.refreshToken !== undefined && this.config.oidc !== undefined) return this.refresh(this.config.oidc, token.refreshToken);
      // A service account signs in again with its client credentials; a token given with --token-stdin
      // comes with no way to renew it (no refresh token, no client of ours at the provider).
      if (this.config.credentials === undefined) throw new CliError('the token has expired: run `dv login` again', EXIT.unauthenticated);
      const { clientId, clientSecret } = this.config.credentials;
      const renewed = await this.tokenCall({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
      this.config = { ...this.config, token: renewed };
      await writeConfig(this.path, this.config);
      return renewed.accessToken;
    });
  }

  /**
   * A new access token for a person by the refresh token (the provider rotates it: the new one is kept).
   * A refused refresh token (revoked, expired, used twice) means signing in again.
   */
  private async refresh(oidc: OidcSettings, refreshToken: string): Promise<string> {
    let renewed: NonNullable<CliConfig['token']>;
    try {
      renewed = await this.tokenCall({ grant_type: 'refresh_token', client_id: oidc.clientId, refresh_token: refreshToken });
    } catch (error) {
      if (error instanceof CliError && (error.exitCode === EXIT.usage || error.exitCode === EXIT.unauthenticated))
        throw new CliError(`your sign-in has ended (${error.message}): run \`dv login\` again`, EXIT.unauthenticated);
      throw error;
    }
    // A provider that does not rotate refresh tokens answers without one: the old one still holds.
    this.config = { ...this.config, token: { refreshToken, ...renewed } };
    await writeConfig(this.path, this.config);
    return renewed.accessToken;
  }

  private async tokenCall(form: Record<string, string>): Promise<NonNullable<CliConfig['token']>> {
    const response = await this.fetch(`${this.url}/api/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
    if (!response.ok) throw await apiError('POST', '/api/v2/token', response);
    const answer = (await response.json()) as Partial<TokenAnswer>;
    if (typeof answer.access_token !== 'string') throw new CliError('the token endpoint answered without an access token', EXIT.failed);
    const expiresAt = typeof answer.expires_in === 'number' ? Date.now() + answer.expires_in * 1000 : expiryOf(answer.access_token);
    return {
      accessToken: answer.access_token,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(typeof answer.refresh_token === 'string' && answer.refresh_token !== '' ? { refreshToken: answer.refresh_token } : {}),
    };
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
      throw new CliError(`cannot reach the gateway at ${this.url}: ${cause}`, EXIT.unavailable);
    }
  }
}

/** The configuration's access token unless it expires within RENEW_BEFORE_MS. */
function freshToken(config: CliConfig): string | undefined {
  const token = config.token;
  return token !== undefined && (token.expiresAt === undefined || token.expiresAt - RENEW_BEFORE_MS > Date.now()) ? token.accessToken : undefined;
}

function checkUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw CliError.usage(`${url} is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw CliError.usage(`${url}: the gateway is reached over http or https`);
}

export function queryString(query: ApiRequest['query']): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

async function apiError(method: string, path: string, response: Response): Promise<CliError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  let message = `${method} ${path}: ${response.status} ${response.statusText}`;
  try {
    body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') message = body.message;
  } catch {
    // not the platform's error body: the status line says it
  }
  return new CliError(message, exitCodeOfStatus(response.status), body);
}

/** A JWT's `exp` in milliseconds, read without verifying (the gateway verifies; this only schedules the renewal). */
export function expiryOf(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
