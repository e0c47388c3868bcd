import { createHash, randomBytes } from 'node:crypto';

/** A PKCE pair (RFC 7636): the verifier stays with `dv`, the S256 challenge goes in the authorization URL. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

/** 32 random bytes, base64url: 43 characters, within RFC 7636's 43–128 of the unreserved alphabet. */
export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier) };
}

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** An unguessable `state`, checked on the redirect so a callback we did not ask for is refused (RFC 6749 §10.12). */
export function newState(): string {
  return randomBytes(16).toString('base64url');
}
