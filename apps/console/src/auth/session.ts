import { type ConsoleConfig } from './console-config';
import { checkIdToken, jwtClaims } from './jwt-claims';
import { randomToken, s256Challenge } from './pkce';
import { refreshDelayMs } from './refresh-delay';

/** A signed-in person's tokens, in this tab's sessionStorage (never localStorage: gone with the tab). */
export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Epoch ms: when they were issued (the refresh is planned from the lifetime). */
  issuedAt: number;
  subject: string;
}

/** A sign-in under way: what the callback must find again (state), check (nonce) and send (verifier). */
interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

const TOKENS_KEY = 'dv.console.tokens';
const PENDING_KEY = 'dv.console.signin';
/** The console's path for the provider's answer; registered as the client's redirect URI (<origin>/console/callback). */
export const CALLBACK_PATH = 'callback';
export const SIGNED_OUT_PATH = 'signed-out';

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
}

function tokenAnswer(body: unknown): TokenAnswer {
  if (typeof body !== 'object' || body === null) throw new SignInError('the token endpoint answered no object');
  const o = body as Record<string, unknown>;
  if (typeof o['access_token'] !== 'string' || typeof o['expires_in'] !== 'number') throw new SignInError('the token endpoint answered no access token');
  return {
    access_token: o['access_token'],
    expires_in: o['expires_in'],
    ...(typeof o['refresh_token'] === 'string' ? { refresh_token: o['refresh_token'] } : {}),
    ...(typeof o['id_token'] === 'string' ? { id_token: o['id_token'] } : {}),
  };
}

/**
 * Sign-in with the authorization code and PKCE (S256) at the provider the gateway names, the code
 * exchanged at the platform's own token endpoint (`/api/v2/token`, same origin: no CORS at the
 * provider needed), the access token refreshed (refresh token of `offline_access`) before it expires,
 * and sign-out at the provider's end-session endpoint.
 */
export class Session {
  private tokens: Tokens | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<boolean> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly config: ConsoleConfig,
    private readonly storage: Storage = sessionStorage,
    private readonly base = `${location.origin}${import.meta.env.BASE_URL}`,
  ) {
    this.tokens = this.readStored();
    if (this.tokens !== undefined) this.schedule();
  }

  get redirectUri(): string {
    return `${this.base}${CALLBACK_PATH}`;
  }

  get current(): Tokens | undefined {
    return this.tokens;
  }

  /** Who is signed in, for the header (the ID token's name or email, else the subject). */
  get displayName(): string {
    if (this.tokens === undefined) return '';
    try {
      const claims = this.tokens.idToken !== undefined ? jwtClaims(this.tokens.idToken) : {};
      const name = claims['email'] ?? claims['name'];
      return typeof name === 'string' ? name : this.tokens.subject;
    } catch {
      return this.tokens.subject;
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Off to the provider's sign-in page; `returnTo` (a console path) is where the callback lands. */
  async signIn(returnTo: string): Promise<void> {
    const pending: PendingSignIn = { state: randomToken(), nonce: randomToken(), verifier: randomToken(48), returnTo };
    this.storage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(this.config.authorizationEndpoint);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.config.clientId,
      redirect_uri: this.redirectUri,
      scope: this.config.scopes,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await s256Challenge(pending.verifier),
      code_challenge_method: 'S256',
      // Ory Hydra's (and others') way to put the API's audience into the access token.
      audience: this.config.audience,
    }).toString();
    location.assign(url.toString());
  }

  /** The provider's answer at /console/callback: state checked, code exchanged, nonce checked. Returns where to go. */
  async completeSignIn(callback: URL): Promise<string> {
    const stored = this.storage.getItem(PENDING_KEY);
    this.storage.removeItem(PENDING_KEY);
    const error = callback.searchParams.get('error');
    if (error !== null) throw new SignInError(`the provider refused the sign-in: ${callback.searchParams.get('error_description') ?? error}`);
    if (stored === null) throw new SignInError('no sign-in was started in this tab');
    const pending = JSON.parse(stored) as PendingSignIn;
    if (callback.searchParams.get('state') !== pending.state) throw new SignInError('the answer does not belong to this sign-in (state)');
    const code = callback.searchParams.get('code');
    if (code === null) throw new SignInError('the provider answered without a code');
    const answer = await this.tokenCall({
      grant_type: 'authorization_code',
      client_id: this.config.clientId,
      code,
      redirect_uri: this.redirectUri,
      code_verifier: pending.verifier,
    });
    if (answer.id_token === undefined) throw new SignInError('the provider answered without an ID token');
    checkIdToken(answer.id_token, { issuer: this.config.issuer, clientId: this.config.clientId, nonce: pending.nonce, nowS: Date.now() / 1000 });
    this.store(answer);
    return pending.returnTo;
  }

  /** A fresh access token from the refresh token; false (and signed out) when there is none or it is refused. */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Tokens dropped here, then the provider's session ended (its end-session endpoint), back to /console/signed-out. */
  signOut(): void {
    const idToken = this.tokens?.idToken;
    this.clear();
    const target = `${this.base}${SIGNED_OUT_PATH}`;
    if (this.config.endSessionEndpoint === undefined || idToken === undefined) return location.assign(target);
    const url = new URL(this.config.endSessionEndpoint);
    url.search = new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: target, state: randomToken() }).toString();
    location.assign(url.toString());
  }

  /** Forgets the tokens (a refused refresh, a 401 the refresh could not cure). */
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.tokens = undefined;
    this.storage.removeItem(TOKENS_KEY);
    this.emit();
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.tokens?.refreshToken;
    if (refreshToken === undefined) return false;
    try {
      const answer = await this.tokenCall({ grant_type: 'refresh_token', client_id: this.config.clientId, refresh_token: refreshToken });
      // A provider may keep the refresh token and the ID token: the old ones stay then.
      this.store({ ...answer, refresh_token: answer.refresh_token ?? refreshToken, id_token: answer.id_token ?? this.tokens?.idToken ?? '' });
      return true;
    } catch {
      this.clear();
      return false;
    }
  }

  private async tokenCall(form: Record<string, string>): Promise<TokenAnswer> {
    const response = await fetch('/api/v2/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const message =
        typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : '';
      throw new SignInError(`the token endpoint answered ${response.status} ${message}`.trim());
    }
    return tokenAnswer(body);
  }

  private store(answer: TokenAnswer): void {
    const now = Date.now();
    const claims = jwtClaims(answer.access_token);
    const tokens: Tokens = {
      accessToken: answer.access_token,
      issuedAt: now,
      expiresAt: now + answer.expires_in * 1000,
      subject: typeof claims['sub'] === 'string' ? claims['sub'] : '',
      ...(answer.refresh_token === undefined ? {} : { refreshToken: answer.refresh_token }),
      ...(answer.id_token === undefined || answer.id_token === '' ? {} : { idToken: answer.id_token }),
    };
    this.tokens = tokens;
    this.storage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    this.schedule();
    this.emit();
  }

  private readStored(): Tokens | undefined {
    try {
      const raw = this.storage.getItem(TOKENS_KEY);
      if (raw === null) return undefined;
      const tokens = JSON.parse(raw) as Tokens;
      // Expired without a way to refresh: as good as none.
      if (typeof tokens.accessToken !== 'string' || (tokens.expiresAt <= Date.now() && tokens.refreshToken === undefined)) return undefined;
      return tokens;
    } catch {
      return undefined;
    }
  }

  private schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const tokens = this.tokens;
    if (tokens?.refreshToken === undefined) return;
    this.timer = setTimeout(() => void this.refresh(), refreshDelayMs(tokens, Date.now()));
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
