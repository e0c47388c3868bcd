/**
 * The claims of a JWT, read without checking its signature: the console uses them only for what it
 * shows (the name) and when to refresh (`exp`), and checks the ID token's nonce, audience and issuer
 * (it came straight from the token endpoint over this origin, OpenID Connect Core §3.1.3.7). The
 * gateway verifies every access token it gets.
 */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  const base64 = payload
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(payload.length / 4) * 4, '=');
  const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  const claims: unknown = JSON.parse(json);
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new Error('the JWT claims are not an object');
  return claims as Record<string, unknown>;
}

/** The ID token's checks of OpenID Connect Core §3.1.3.7 that a public client can make: issuer, audience, nonce, expiry. */
export function checkIdToken(idToken: string, expected: { issuer: string; clientId: string; nonce: string; nowS: number }): Record<string, unknown> {
  const claims = jwtClaims(idToken);
  if (claims['iss'] !== expected.issuer) throw new Error('the ID token names another issuer');
  const aud = claims['aud'];
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(expected.clientId)) throw new Error('the ID token is not for this console');
  if (claims['nonce'] !== expected.nonce) throw new Error('the ID token does not carry the nonce of this sign-in');
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp + 60 < expected.nowS) throw new Error('the ID token has expired');
  return claims;
}
