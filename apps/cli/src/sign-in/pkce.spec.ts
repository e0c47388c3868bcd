import { newPkce, newState, s256Challenge } from './pkce';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636, appendix B', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh verifier of 43 unreserved characters, and a fresh state, every time', () => {
    const a = newPkce();
    const b = newPkce();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.challenge).toBe(s256Challenge(a.verifier));
    expect(newState()).not.toBe(newState());
  });
});
