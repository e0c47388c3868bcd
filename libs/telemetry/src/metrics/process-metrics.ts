import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import { type MetricsRegistry } from './metrics-registry';

/** What the process metrics are made of, read at each scrape. */
export interface ProcessSample {
  /** Resident set size, bytes. */
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Memory of C++ objects bound to JavaScript ones (buffers included), bytes. */
  externalBytes: number;
  /** CPU time since the process started, microseconds. */
  cpuUserMicros: number;
  cpuSystemMicros: number;
  /** Event-loop delay since the previous sample, nanoseconds (undefined: nothing measured yet). */
  loopDelay?: { p50: number; p99: number; max: number };
}

export interface ProcessMetricsOptions {
  /** Reads the process (tests give their own). */
  sample?: () => ProcessSample;
  /** Unix seconds the process started (tests give their own). */
  startTimeSeconds?: number;
}

export interface ProcessMetrics {
  /** Stops the event-loop delay sampler. Idempotent. */
  stop(): void;
}

/**
 * The process metrics every platform team expects on /metrics, under the names prom-client uses
 * (Grafana's Node.js dashboards read them): resident memory, heap, external memory, CPU seconds, the
 * start time, and the event-loop delay. The delay gauges cover the time since the previous scrape
 * (p50, p99, max), so an operator sees a saturated loop at the next scrape, not averaged away.
 */
export function registerProcessMetrics(registry: MetricsRegistry, options: ProcessMetricsOptions = {}): ProcessMetrics {
  let loop: IntervalHistogram | undefined;
  const sample =
    options.sample ??
    ((): ProcessSample => {
      loop ??= startLoopMonitor();
      const memory = process.memoryUsage();
      const cpu = process.cpuUsage();
      const measured = loop.count > 0 ? { p50: loop.percentile(50), p99: loop.percentile(99), max: loop.max } : undefined;
      loop.reset();
      return {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        externalBytes: memory.external,
        cpuUserMicros: cpu.user,
        cpuSystemMicros: cpu.system,
        ...(measured ? { loopDelay: measured } : {}),
      };
    });
  if (!options.sample) loop = startLoopMonitor();

  const rss = registry.gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.' });
  const heapUsed = registry.gauge({ name: 'nodejs_heap_size_used_bytes', help: 'V8 heap in use, bytes.' });
  const heapTotal = registry.gauge({ name: 'nodejs_heap_size_total_bytes', help: 'V8 heap reserved, bytes.' });
  const external = registry.gauge({
    name: 'nodejs_external_memory_bytes',
    help: 'Memory of C++ objects bound to JavaScript objects (buffers included), bytes.',
  });
  const cpuUser = registry.counter({ name: 'process_cpu_user_seconds_total', help: 'User CPU time spent, seconds.' });
  const cpuSystem = registry.counter({ name: 'process_cpu_system_seconds_total', help: 'System CPU time spent, seconds.' });
  const start = registry.gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since the Unix epoch, seconds.' });
  const lagP50 = registry.gauge({ name: 'nodejs_eventloop_lag_p50_seconds', help: 'Event-loop delay since the previous scrape, median, seconds.' });
  const lagP99 = registry.gauge({ name: 'nodejs_eventloop_lag_p99_seconds', help: 'Event-loop delay since the previous scrape, 99th percentile, seconds.' });
  const lagMax = registry.gauge({ name: 'nodejs_eventloop_lag_max_seconds', help: 'Event-loop delay since the previous scrape, maximum, seconds.' });
  start.set(undefined, options.startTimeSeconds ?? Math.round(Date.now() / 1000 - process.uptime()));

  let cpuUserSeen = 0;
  let cpuSystemSeen = 0;
  registry.beforeRender(() => {
    const now = sample();
    rss.set(undefined, now.rssBytes);
    heapUsed.set(undefined, now.heapUsedBytes);
    heapTotal.set(undefined, now.heapTotalBytes);
    external.set(undefined, now.externalBytes);
    // Counters move by what was spent since the previous scrape (a sample never goes back).
    cpuUser.inc(undefined, Math.max(0, now.cpuUserMicros - cpuUserSeen) / 1e6);
    cpuSystem.inc(undefined, Math.max(0, now.cpuSystemMicros - cpuSystemSeen) / 1e6);
    cpuUserSeen = Math.max(cpuUserSeen, now.cpuUserMicros);
    cpuSystemSeen = Math.max(cpuSystemSeen, now.cpuSystemMicros);
    if (now.loopDelay) {
      lagP50.set(undefined, now.loopDelay.p50 / 1e9);
      lagP99.set(undefined, now.loopDelay.p99 / 1e9);
      lagMax.set(undefined, now.loopDelay.max / 1e9);
    }
  });
  return {
    stop: () => {
      loop?.disable();
    },
  };
}

function startLoopMonitor(): IntervalHistogram {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return histogram;
}
