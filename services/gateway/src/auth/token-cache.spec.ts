import { TokenCache } from './token-cache';

describe('TokenCache', () => {
  it('answers a token until its expiry, and never after', () => {
    let now = 1_000;
    const cache = new TokenCache<string>(10, () => now);
    cache.set('t', 'dana', 2_000);
    expect(cache.get('t')).toBe('dana');
    now = 1_999;
    expect(cache.get('t')).toBe('dana');
    now = 2_000;
    expect(cache.get('t')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('does not keep a token that has expired already, nor anything when its size is 0', () => {
    const now = 5_000;
    const cache = new TokenCache<string>(10, () => now);
    cache.set('old', 'x', 5_000);
    expect(cache.get('old')).toBeUndefined();
    const none = new TokenCache<string>(0, () => now);
    none.set('t', 'x', 9_000);
    expect(none.get('t')).toBeUndefined();
  });

  it('drops the oldest entries when full', () => {
    const cache = new TokenCache<number>(2, () => 0);
    cache.set('a', 1, 10);
    cache.set('b', 2, 10);
    cache.set('c', 3, 10);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
    expect(cache.size).toBe(2);
  });
});
