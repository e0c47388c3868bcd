/** What a client's bucket said: go on, or wait this long for the next token. */
export type BucketVerdict = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * One token bucket per client key, in this process's memory: each holds up to `burst` tokens and gains
 * `ratePerS` per second; a request takes one or is refused with the time until the next one. Bounded:
 * past `maxClients` the least recently seen client is forgotten (it starts again with a full bucket).
 * A take is a map lookup and a few arithmetic operations: no timer, no allocation for a known client.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly options: { ratePerS: number; burst: number; maxClients: number },
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = options.ratePerS / 1000;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token from the client's bucket. */
  take(key: string): BucketVerdict {
    const now = this.now();
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / this.perMs) };
  }

  /** Whether the client's bucket is empty now, without taking from it. */
  empty(key: string): BucketVerdict {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return { ok: true };
    const tokens = Math.min(this.options.burst, bucket.tokens + (this.now() - bucket.atMs) * this.perMs);
    return tokens >= 1 ? { ok: true } : { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.perMs) };
  }

  private refilled(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      const fresh = { tokens: this.options.burst, atMs: now };
      while (this.buckets.size >= this.options.maxClients) {
        const oldest = this.buckets.keys().next();
        if (oldest.done === true) break;
        this.buckets.delete(oldest.value);
      }
      this.buckets.set(key, fresh);
      return fresh;
    }
    // Least recently seen first out: a client seen again moves to the end of the map's order.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + (now - bucket.atMs) * this.perMs);
    bucket.atMs = now;
    return bucket;
  }
}
