import { createHash } from 'node:crypto';
import { checkIdToken, jwtClaims } from './jwt-claims';
import { randomToken, s256Challenge } from './pkce';
import { refreshDelayMs } from './refresh-delay';

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: object) => `${b64({ alg: 'RS256' })}.${b64(claims)}.sig`;

describe('PKCE', () => {
  it('computes the S256 challenge: base64url of the SHA-256 of the verifier, unpadded (RFC 7636 §4.2)', async () => {
    const verifier = randomToken(48);
    // Node's own hash as the reference implementation.
    await expect(s256Challenge(verifier)).resolves.toBe(createHash('sha256').update(verifier).digest('base64url'));
    await expect(s256Challenge('abc')).resolves.toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  it('makes random base64url tokens of at least 43 characters, different each time', () => {
    const a = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(a);
    expect(randomToken(48)).toHaveLength(64);
  });
});

describe('ID token checks', () => {
  const good = { iss: 'https://idp.example/', aud: ['console'], nonce: 'n1', exp: 2000, sub: 'dana' };
  const expected = { issuer: 'https://idp.example/', clientId: 'console', nonce: 'n1', nowS: 1000 };

  it('accepts the ID token of this sign-in and reads its claims', () => {
    expect(checkIdToken(jwt(good), expected)).toMatchObject({ sub: 'dana' });
    expect(checkIdToken(jwt({ ...good, aud: 'console' }), expected)).toMatchObject({ sub: 'dana' });
  });

  it.each([
    ['another issuer', { iss: 'https://evil.example/' }, /issuer/],
    ['another audience', { aud: ['other'] }, /not for this console/],
    ['another nonce', { nonce: 'n2' }, /nonce/],
    ['no nonce', { nonce: undefined }, /nonce/],
    ['an expired token', { exp: 100 }, /expired/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => checkIdToken(jwt({ ...good, ...change }), expected)).toThrow(message);
  });

  it('refuses what is not a JWT with an object payload', () => {
    expect(() => jwtClaims('abc')).toThrow(/not a JWT/);
    expect(() => jwtClaims(`x.${Buffer.from('[1]').toString('base64url')}.y`)).toThrow(/not an object/);
  });
});

describe('refreshDelayMs', () => {
  it('refreshes a minute before an hour-long token expires', () => {
    expect(refreshDelayMs({ issuedAt: 0, expiresAt: 3_600_000 }, 0)).toBe(3_540_000);
    expect(refreshDelayMs({ issuedAt: 0, expiresAt: 3_600_000 }, 3_000_000)).toBe(540_000);
  });

  it('refreshes a short-lived token at three quarters of its life, and at once when late', () => {
    expect(refreshDelayMs({ issuedAt: 0, expiresAt: 60_000 }, 0)).toBe(45_000);
    expect(refreshDelayMs({ issuedAt: 0, expiresAt: 60_000 }, 59_000)).toBe(0);
  });
});
