/**
 * Latencies of one benchmark run, kept as exact samples in microseconds (a run records at most a few
 * hundred thousand, so sorting once for the percentiles is cheaper and more exact than buckets).
 */
export class LatencyHistogram {
  private samples: number[] = [];
  private sorted = true;

  get count(): number {
    return this.samples.length;
  }

  /** Records one latency given in nanoseconds (the difference of two process.hrtime.bigint()). */
  recordNs(ns: bigint): void {
    this.recordUs(Number(ns) / 1000);
  }

  recordUs(us: number): void {
    this.samples.push(us);
    this.sorted = false;
  }

  /** Adds every sample of another histogram to this one. */
  merge(other: LatencyHistogram): void {
    for (const us of other.samples) this.samples.push(us);
    this.sorted = false;
  }

  /** The p-th percentile (0 < p <= 100, nearest rank) in microseconds; NaN when empty. */
  percentile(p: number): number {
    if (this.samples.length === 0) return Number.NaN;
    this.sort();
    const rank = Math.max(1, Math.ceil((p / 100) * this.samples.length));
    return this.samples[Math.min(rank, this.samples.length) - 1] ?? Number.NaN;
  }

  mean(): number {
    if (this.samples.length === 0) return Number.NaN;
    let sum = 0;
    for (const us of this.samples) sum += us;
    return sum / this.samples.length;
  }

  max(): number {
    return this.percentile(100);
  }

  summary(): { p50_us: number; p90_us: number; p99_us: number; max_us: number; mean_us: number } {
    return {
      p50_us: round1(this.percentile(50)),
      p90_us: round1(this.percentile(90)),
      p99_us: round1(this.percentile(99)),
      max_us: round1(this.max()),
      mean_us: round1(this.mean()),
    };
  }

  private sort(): void {
    if (this.sorted) return;
    this.samples.sort((a, b) => a - b);
    this.sorted = true;
  }
}

/** One decimal: enough for microseconds and for rates. */
export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The median of a list of numbers (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? Number.NaN;
  const lo = sorted[mid - 1] ?? hi;
  return sorted.length % 2 === 1 ? hi : (lo + hi) / 2;
}
