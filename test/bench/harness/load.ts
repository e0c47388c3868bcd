import { LatencyHistogram } from './histogram';

export interface ClosedLoopOptions {
  /** Operations kept in flight: each of this many workers starts the next one when its last one ends. */
  concurrency: number;
  /** Operations in the run (the run is bounded by count, not by time). */
  operations: number;
  /** One operation; its latency is measured from call to settlement. */
  op: (index: number) => Promise<unknown>;
}

export interface ClosedLoopResult {
  operations: number;
  errors: number;
  /** The first error seen, to say why a run failed. */
  firstError: unknown;
  elapsedNs: bigint;
  /** Operations per second over the whole run. */
  throughput: number;
  latency: LatencyHistogram;
}

/** Runs `operations` operations with `concurrency` of them in flight at every moment. */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const latency = new LatencyHistogram();
  let issued = 0;
  let errors = 0;
  let firstError: unknown;
  const worker = async (): Promise<void> => {
    while (issued < options.operations) {
      const index = issued++;
      const started = process.hrtime.bigint();
      try {
        await options.op(index);
        latency.recordNs(process.hrtime.bigint() - started);
      } catch (error: unknown) {
        if (errors === 0) firstError = error;
        errors++;
      }
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.operations) }, worker));
  const elapsedNs = process.hrtime.bigint() - started;
  return { operations: options.operations, errors, firstError, elapsedNs, throughput: rate(options.operations, elapsedNs), latency };
}

/** Operations per second for a count done in a span of nanoseconds. */
export function rate(count: number, elapsedNs: bigint): number {
  return elapsedNs <= 0n ? Number.NaN : (count * 1e9) / Number(elapsedNs);
}

/** BENCH_SCALE multiplies every operation count (e.g. 0.1 for a quick smoke run); at least 1. */
export function scaled(count: number): number {
  const raw = process.env['BENCH_SCALE'];
  const factor = raw === undefined || raw === '' ? 1 : Number(raw);
  if (!Number.isFinite(factor) || factor <= 0) throw new Error(`BENCH_SCALE must be a positive number, got ${raw}`);
  return Math.max(1, Math.round(count * factor));
}

/** Which implementations to run: BENCH_ONLY=ours or BENCH_ONLY=raw (for profiling one side), else both. */
export function selectedImpls(): readonly Impl[] {
  const only = process.env['BENCH_ONLY'];
  if (only === undefined || only === '') return ['raw', 'ours'];
  if (only === 'raw' || only === 'ours') return [only];
  throw new Error(`BENCH_ONLY must be raw or ours, got ${only}`);
}

export type Impl = 'raw' | 'ours';

export interface OpenLoopOptions {
  /** Offered load: operations are started on a fixed schedule of this many per second, whatever the replies do. */
  ratePerSecond: number;
  /** Operations in the run (the run is bounded by count, not by time). */
  operations: number;
  /** One operation; its latency is measured from its scheduled start to settlement. */
  op: (index: number) => Promise<unknown>;
}

export interface OpenLoopResult extends ClosedLoopResult {
  /** The rate the schedule asked for (operations per second). */
  offeredRate: number;
  /** Most operations in flight at one moment (grows when the system falls behind the schedule). */
  maxInFlight: number;
  /** How late an operation was started after its scheduled moment, at most and at the 99th percentile (microseconds): the client's own lag. */
  maxStartLagUs: number;
  p99StartLagUs: number;
}

/**
 * Open loop at a fixed offered load: operation i is due at start + i / ratePerSecond and is started then
 * without waiting for earlier ones to finish. Its latency counts from the earlier of its due moment
 * and its actual start, so a client that starts it late (a busy event loop) or a system that answers
 * late does not hide the wait (no coordinated omission). Throughput is completed operations over the
 * time from the first due moment to the last settlement.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  if (!(options.ratePerSecond > 0)) throw new Error(`ratePerSecond must be positive, got ${options.ratePerSecond}`);
  const latency = new LatencyHistogram();
  const startLag = new LatencyHistogram();
  const intervalNs = 1e9 / options.ratePerSecond;
  let errors = 0;
  let firstError: unknown;
  let inFlight = 0;
  let maxInFlight = 0;
  let settled = 0;
  let lastSettledNs = 0n;
  let allSettled: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allSettled = resolve));
  const finish = (): void => {
    inFlight--;
    settled++;
    lastSettledNs = process.hrtime.bigint();
    if (settled === options.operations) allSettled();
  };
  const issue = (index: number, dueNs: bigint): void => {
    const now = process.hrtime.bigint();
    const from = now < dueNs ? now : dueNs;
    if (now > dueNs) startLag.recordNs(now - dueNs);
    else startLag.recordUs(0);
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    let pending: Promise<unknown>;
    try {
      pending = options.op(index);
    } catch (error: unknown) {
      pending = Promise.reject(error);
    }
    pending.then(
      () => {
        latency.recordNs(process.hrtime.bigint() - from);
        finish();
      },
      (error: unknown) => {
        if (errors === 0) firstError = error;
        errors++;
        finish();
      },
    );
  };

  const started = process.hrtime.bigint();
  const dueOf = (index: number): bigint => started + BigInt(Math.round(index * intervalNs));
  let next = 0;
  while (next < options.operations) {
    const now = process.hrtime.bigint();
    // Start everything due (after a stall: all that fell due meanwhile, each timed from its own due moment).
    while (next < options.operations && dueOf(next) <= now) {
      issue(next, dueOf(next));
      next++;
    }
    if (next >= options.operations) break;
    const waitMs = Number(dueOf(next) - process.hrtime.bigint()) / 1e6;
    if (waitMs >= 1) {
      // Timers fire a little late, never early: sleep the whole milliseconds, start what is due within the last one.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(waitMs)));
    } else {
      // Less than a millisecond to go: start it now (timed from this earlier actual start) rather than spin.
      issue(next, dueOf(next));
      next++;
      // Let replies be handled between starts.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  if (options.operations > 0) await done;
  const elapsedNs = (lastSettledNs > started ? lastSettledNs : process.hrtime.bigint()) - started;
  return {
    operations: options.operations,
    errors,
    firstError,
    elapsedNs,
    throughput: rate(options.operations - errors, elapsedNs),
    latency,
    offeredRate: options.ratePerSecond,
    maxInFlight,
    maxStartLagUs: startLag.max(),
    p99StartLagUs: startLag.percentile(99),
  };
}
