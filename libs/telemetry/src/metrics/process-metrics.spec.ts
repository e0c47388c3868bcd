import { MetricsRegistry } from './metrics-registry';
import { type ProcessSample, registerProcessMetrics } from './process-metrics';

function value(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('registerProcessMetrics', () => {
  it('renders what the process reads at each scrape; CPU counters grow by what was spent in between', () => {
    const samples: ProcessSample[] = [
      {
        rssBytes: 100e6,
        heapUsedBytes: 40e6,
        heapTotalBytes: 60e6,
        externalBytes: 5e6,
        cpuUserMicros: 2_000_000,
        cpuSystemMicros: 500_000,
        loopDelay: { p50: 10e6, p99: 25e6, max: 40e6 },
      },
      { rssBytes: 120e6, heapUsedBytes: 45e6, heapTotalBytes: 64e6, externalBytes: 6e6, cpuUserMicros: 3_500_000, cpuSystemMicros: 750_000 },
    ];
    let next = 0;
    const sample = (): ProcessSample => {
      const s = samples[Math.min(next++, samples.length - 1)];
      if (!s) throw new Error('no sample');
      return s;
    };
    const registry = new MetricsRegistry();
    registerProcessMetrics(registry, { sample, startTimeSeconds: 1_700_000_000 });

    const first = registry.render();
    expect(value(first, 'process_resident_memory_bytes')).toBe(100e6);
    expect(value(first, 'nodejs_heap_size_used_bytes')).toBe(40e6);
    expect(value(first, 'nodejs_heap_size_total_bytes')).toBe(60e6);
    expect(value(first, 'nodejs_external_memory_bytes')).toBe(5e6);
    expect(value(first, 'process_cpu_user_seconds_total')).toBe(2);
    expect(value(first, 'process_cpu_system_seconds_total')).toBe(0.5);
    expect(value(first, 'process_start_time_seconds')).toBe(1_700_000_000);
    expect(value(first, 'nodejs_eventloop_lag_p50_seconds')).toBe(0.01);
    expect(value(first, 'nodejs_eventloop_lag_p99_seconds')).toBe(0.025);
    expect(value(first, 'nodejs_eventloop_lag_max_seconds')).toBe(0.04);
    expect(first).toContain('# TYPE process_cpu_user_seconds_total counter\n');
    expect(first).toContain('# TYPE process_resident_memory_bytes gauge\n');

    const second = registry.render();
    expect(value(second, 'process_resident_memory_bytes')).toBe(120e6);
    expect(value(second, 'process_cpu_user_seconds_total')).toBe(3.5);
    expect(value(second, 'process_cpu_system_seconds_total')).toBe(0.75);
    // No delay measured since the previous scrape: the last figures stay.
    expect(value(second, 'nodejs_eventloop_lag_p99_seconds')).toBe(0.025);
  });

  it('reads the real process by default', async () => {
    const registry = new MetricsRegistry();
    const metrics = registerProcessMetrics(registry);
    try {
      await new Promise((resolve) => setTimeout(resolve, 60));
      const text = registry.render();
      expect(value(text, 'process_resident_memory_bytes')).toBeGreaterThan(10e6);
      expect(value(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(1e6);
      expect(value(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(value(text, 'process_start_time_seconds')).toBeLessThanOrEqual(Date.now() / 1000);
      expect(value(text, 'nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0);
    } finally {
      metrics.stop();
    }
  });
});
