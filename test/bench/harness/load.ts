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
