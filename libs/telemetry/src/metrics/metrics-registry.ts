import { Counter, type MetricOptions } from './counter';
import { Gauge } from './gauge';
import { Histogram, type HistogramOptions } from './histogram';
import { assertMetricName } from './prometheus-text';

interface Metric {
  render(): string;
}

/**
 * A service's metrics, rendered in the Prometheus text format for GET /metrics
 * (`startHealthServer({ ..., metrics: () => registry.render() })`). Deliberately tiny: counters,
 * gauges and histograms with labels, no summaries; process metrics are `registerProcessMetrics`.
 */
export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly hooks: (() => void)[] = [];

  /** Runs before every render: for values read at scrape time (memory, CPU). */
  beforeRender(hook: () => void): void {
    this.hooks.push(hook);
  }

  counter<L extends string = never>(options: MetricOptions<L>): Counter<L> {
    return this.add(options.name, new Counter(options));
  }

  gauge<L extends string = never>(options: MetricOptions<L>): Gauge<L> {
    return this.add(options.name, new Gauge(options));
  }

  histogram<L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    return this.add(options.name, new Histogram(options));
  }

  render(): string {
    for (const hook of this.hooks) hook();
    return [...this.metrics.values()].map((metric) => metric.render()).join('');
  }

  private add<M extends Metric>(name: string, metric: M): M {
    assertMetricName(name);
    if (this.metrics.has(name)) throw new Error(`metric "${name}" is already registered`);
    this.metrics.set(name, metric);
    return metric;
  }
}
