// Timing and memory helpers of the in-process authz benchmark (single-threaded JS: one core).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LatencyHistogram, median, round1 } from '../harness/histogram';

/**
 * A full garbage collection. With `node --expose-gc` that is global.gc; otherwise the flag is set at
 * run time and gc taken from a fresh context (so `node -r ./scripts/ts-register.js file` works as is).
 */
export function fullGc(): void {
  const existing: unknown = Reflect.get(globalThis, 'gc');
  if (typeof existing === 'function') {
    existing();
    return;
  }
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('could not get a gc function (run node with --expose-gc)');
  Reflect.set(globalThis, 'gc', gc);
  (gc as () => void)();
}

/** Heap used after two full collections, bytes. */
export function heapAfterGc(): number {
  fullGc();
  fullGc();
  return process.memoryUsage().heapUsed;
}

export const mb = (bytes: number): number => round1(bytes / 2 ** 20);

export interface Pass {
  wallNs: number;
  /** User + system CPU time of the process (includes V8's GC helper threads), microseconds. */
  cpuUs: number;
  allowed: number;
}

/** One pass over every item, timed as a whole (wall clock and process CPU time). */
export function timedPass<T>(items: readonly T[], decide: (item: T) => boolean, count = items.length): Pass {
  let allowed = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) if (decide(items[i] as T)) allowed++;
  const wallNs = Number(process.hrtime.bigint() - started);
  const used = process.cpuUsage(cpu);
  return { wallNs, cpuUs: used.user + used.system, allowed };
}

/** One pass recording each answer (1 allowed, 0 denied). */
export function recordPass<T>(items: readonly T[], decide: (item: T) => boolean, count = items.length): { answers: Uint8Array; pass: Pass } {
  const answers = new Uint8Array(count);
  let allowed = 0;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const a = decide(items[i] as T);
    answers[i] = a ? 1 : 0;
    if (a) allowed++;
  }
  const wallNs = Number(process.hrtime.bigint() - started);
  const used = process.cpuUsage(cpu);
  return { answers, pass: { wallNs, cpuUs: used.user + used.system, allowed } };
}

/** Each check timed on its own with process.hrtime.bigint() (the two clock reads are in the figure). */
export function latencyPass<T>(items: readonly T[], decide: (item: T) => boolean): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const item of items) {
    const started = process.hrtime.bigint();
    decide(item);
    histogram.recordNs(process.hrtime.bigint() - started);
  }
  return histogram;
}

/** Throughput of passes: by wall clock and by process CPU time, median and best over the passes. */
export function throughputOf(passes: readonly Pass[], checksPerPass: number) {
  const wall = passes.map((p) => (checksPerPass * 1e9) / p.wallNs);
  const cpu = passes.map((p) => (checksPerPass * 1e6) / p.cpuUs);
  return {
    passes: passes.length,
    checks_per_pass: checksPerPass,
    wall_checks_per_s_median: Math.round(median(wall)),
    wall_checks_per_s_best: Math.round(Math.max(...wall)),
    cpu_checks_per_s_median: Math.round(median(cpu)),
    cpu_checks_per_s_best: Math.round(Math.max(...cpu)),
    wall_checks_per_s_by_pass: wall.map((x) => Math.round(x)),
    cpu_checks_per_s_by_pass: cpu.map((x) => Math.round(x)),
  };
}

/** Indexes where two answer lists differ (at most `limit` of them) and how many differ. */
export function compareAnswers(a: Uint8Array, b: Uint8Array, count: number, limit = 20): { mismatches: number; first: number[] } {
  let mismatches = 0;
  const first: number[] = [];
  for (let i = 0; i < count; i++) {
    if (a[i] !== b[i]) {
      mismatches++;
      if (first.length < limit) first.push(i);
    }
  }
  return { mismatches, first };
}
