/**
 * Verified tokens, by token, until they expire: a hit is a map lookup and a clock read, so a client
 * that sends the same bearer token on every call pays for the signature check once. Bounded: when
 * full, the oldest entry goes (insertion order: tokens are short-lived, so the oldest is the likeliest
 * to be expired or abandoned). Expired entries are never answered and are dropped when met.
 */
export class TokenCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string): V | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.value;
  }

  set(token: string, value: V, expiresAtMs: number): void {
    if (this.maxEntries === 0 || expiresAtMs <= this.now()) return;
    this.entries.delete(token);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(token, { value, expiresAtMs });
  }
}
