import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('lets a client burst, then refuses with the time until its next token, and refills at the rate', () => {
    let now = 1_000_000;
    const buckets = new TokenBuckets({ ratePerS: 2, burst: 3, maxClients: 10 }, () => now);
    expect([1, 2, 3].map(() => buckets.take('user:a').ok)).toEqual([true, true, true]);
    expect(buckets.take('user:a')).toEqual({ ok: false, retryAfterMs: 500 });
    // Another client has its own bucket.
    expect(buckets.take('user:b').ok).toBe(true);
    now += 250;
    expect(buckets.take('user:a')).toEqual({ ok: false, retryAfterMs: 250 });
    now += 250;
    expect(buckets.take('user:a').ok).toBe(true);
    expect(buckets.take('user:a').ok).toBe(false);
    // Idle for long: back to a full bucket, never more.
    now += 60_000;
    expect([1, 2, 3, 4].map(() => buckets.take('user:a').ok)).toEqual([true, true, true, false]);
  });

  it('tells whether a bucket is empty without taking from it', () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerS: 1, burst: 1, maxClients: 10 }, () => now);
    expect(buckets.empty('ip:1').ok).toBe(true);
    expect(buckets.take('ip:1').ok).toBe(true);
    expect(buckets.empty('ip:1')).toEqual({ ok: false, retryAfterMs: 1000 });
    now += 1000;
    expect(buckets.empty('ip:1').ok).toBe(true);
    expect(buckets.empty('ip:1').ok).toBe(true);
  });

  it('keeps at most maxClients buckets, forgetting the least recently seen', () => {
    const buckets = new TokenBuckets({ ratePerS: 1, burst: 1, maxClients: 2 }, () => 0);
    buckets.take('a');
    buckets.take('b');
    buckets.take('a'); // a seen again: b is now the least recently seen
    buckets.take('c');
    expect(buckets.size).toBe(2);
    expect(buckets.take('a').ok).toBe(false); // kept (empty)
    expect(buckets.take('b').ok).toBe(true); // forgotten: a full bucket again
  });
});
