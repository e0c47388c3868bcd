import { PermissionCache } from './permission-cache';

const allow = [{ allowed: true, message: 'ok' }];
const deny = [{ allowed: false, message: 'no' }];

describe('PermissionCache', () => {
  it('answers only in the generation an entry was asked in', () => {
    const cache = new PermissionCache(10);
    cache.set('alice/p1', 3, allow);
    expect(cache.get('alice/p1', 3)).toEqual(allow);
    expect(cache.get('bob/p1', 3)).toBeUndefined();
    expect(cache.get('alice/p1', 4)).toBeUndefined(); // a rule or scope changed since: asked again
    expect(cache.size).toBe(0); // and the stale entry is gone
    cache.set('alice/p1', 4, deny);
    expect(cache.get('alice/p1', 4)).toEqual(deny);
  });

  it('keeps at most its capacity, forgetting the least recently used first', () => {
    const cache = new PermissionCache(2);
    cache.set('a', 1, allow);
    cache.set('b', 1, allow);
    expect(cache.get('a', 1)).toEqual(allow); // a is now the most recent
    cache.set('c', 1, deny);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toEqual(allow);
    expect(cache.get('c', 1)).toEqual(deny);
  });

  it('holds nothing with capacity 0 (the cache turned off)', () => {
    const cache = new PermissionCache(0);
    cache.set('a', 1, allow);
    expect(cache.get('a', 1)).toBeUndefined();
  });
});
