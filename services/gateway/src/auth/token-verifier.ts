import { type Identity } from '@dv/contracts';
import { type JWTVerifyGetKey, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { type ClaimPaths, identityFromClaims } from './identity-from-claims';
import { TokenCache } from './token-cache';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  jwksUrl: string;
  claims: ClaimPaths;
  cacheMax: number;
  /** See GATEWAY_JWKS_COOLDOWN_MS. */
  jwksCooldownMs: number;
  /** See GATEWAY_JWKS_TIMEOUT_MS (default 30 s). */
  jwksTimeoutMs?: number | undefined;
}

/** Why a token was refused: for the gateway's log only, never for the caller. */
export type TokenRefusal = 'missing' | 'malformed' | 'expired' | 'claims' | 'signature' | 'no-key' | 'identity' | 'keys-unavailable';

export type TokenOutcome = { ok: true; identity: Identity } | { ok: false; refusal: TokenRefusal };

/** Signatures we accept: asymmetric only, so no shared secret can mint a token (and never `none`). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const MAX_TOKEN_LENGTH = 16_384;

/**
 * The resource server's check of a bearer JWT: signature against the provider's key set (fetched
 * again when a token names a key id it does not know, so keys the provider rotates in are picked up),
 * issuer, audience, expiry (required) and not-before, then the identity from the configured claims.
 * A verified token is cached until it expires, so a hit costs a map lookup.
 */
export class TokenVerifier {
  private readonly keys: JWTVerifyGetKey & { reload(): Promise<void> };
  private readonly cache: TokenCache<Identity>;
  private keysLoaded = false;
  /** Signature checks made (a cache hit makes none). */
  signatureChecks = 0;

  constructor(private readonly options: TokenVerifierOptions) {
    this.keys = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: options.jwksCooldownMs, timeoutDuration: options.jwksTimeoutMs ?? 30_000 });
    this.cache = new TokenCache<Identity>(options.cacheMax);
  }

  /** Whether the key set was fetched once (readiness). */
  get ready(): boolean {
    return this.keysLoaded;
  }

  /** Fetches the key set now (at start, so the first call does not wait for it). */
  async loadKeys(): Promise<void> {
    await this.keys.reload();
    this.keysLoaded = true;
  }

  /** The identity of an `Authorization` header's bearer token, or why there is none. */
  /** The identity of an `Authorization` header whose token is cached (verified, not expired), without a promise; else undefined. */
  cachedIdentityOf(header: string | undefined): Identity | undefined {
    if (header === undefined || header.length > MAX_TOKEN_LENGTH + 16) return undefined;
    const token = BEARER.exec(header)?.[1];
    return token === undefined ? undefined : this.cache.get(token);
  }

  async verifyHeader(header: string | undefined): Promise<TokenOutcome> {
    if (header === undefined || header === '') return { ok: false, refusal: 'missing' };
    if (header.length > MAX_TOKEN_LENGTH + 16) return { ok: false, refusal: 'malformed' };
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) return { ok: false, refusal: 'malformed' };
    return this.verify(token);
  }

  async verify(token: string): Promise<TokenOutcome> {
    const cached = this.cache.get(token);
    if (cached !== undefined) return { ok: true, identity: cached };
    let payload;
    this.signatureChecks++;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return { ok: false, refusal: refusalOf(error) };
    }
    this.keysLoaded = true;
    const made = identityFromClaims(payload, this.options.claims);
    if (made === undefined) return { ok: false, refusal: 'identity' };
    // Frozen, with its groups: the one object every request with this token shares (RpcClient keeps its header).
    const identity: Identity = { ...made, groups: [...made.groups] };
    Object.freeze(identity.groups);
    Object.freeze(identity);
    this.cache.set(token, identity, (payload.exp ?? 0) * 1000);
    return { ok: true, identity };
  }
}

function refusalOf(error: unknown): TokenRefusal {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return 'claims';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return 'no-key';
  // The provider did not answer with a key set (down, slow, garbage): not the caller's fault.
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError)) return 'keys-unavailable';
  return 'malformed';
}
