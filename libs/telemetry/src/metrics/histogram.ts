import { type MetricOptions } from './counter';
import { type Labels, LabeledSeries } from './labeled-series';
import { formatHeader, formatLabels, formatNumber } from './prometheus-text';

/** Prometheus' customary latency buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds, ascending; +Inf is implied. */
  buckets?: readonly number[];
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

/** Observed values (usually seconds) in cumulative buckets, with their sum and count. */
export class Histogram<L extends string = never> {
  private readonly buckets: readonly number[];
  private readonly series: LabeledSeries<L, HistogramState>;

  constructor(readonly options: HistogramOptions<L>) {
    this.buckets = [...(options.buckets ?? DEFAULT_BUCKETS)].sort((a, b) => a - b);
    if (this.buckets.some((bound) => !Number.isFinite(bound))) throw new Error(`${options.name}: buckets must be finite numbers`);
    if ((options.labelNames ?? []).some((name) => name === 'le')) throw new Error(`${options.name}: "le" is reserved for buckets`);
    this.series = new LabeledSeries(options.name, options.labelNames ?? [], () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
  }

  observe(labels: Labels<L> | undefined, value: number): void {
    const state = this.series.get(labels);
    // Only the first bucket that fits is counted here; render() accumulates.
    const index = this.buckets.findIndex((bound) => value <= bound);
    if (index >= 0) state.counts[index] = (state.counts[index] ?? 0) + 1;
    state.sum += value;
    state.count += 1;
  }

  /** Starts a timer; calling the result observes the elapsed seconds. */
  startTimer(labels?: Labels<L>): () => number {
    const start = process.hrtime.bigint();
    return () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.observe(labels, seconds);
      return seconds;
    };
  }

  render(): string {
    const { name } = this.options;
    let text = formatHeader(name, this.options.help, 'histogram');
    for (const { labels, state } of this.series.entries()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += state.counts[i] ?? 0;
        text += `${name}_bucket${formatLabels([...labels, ['le', formatNumber(bound)]])} ${cumulative}\n`;
      });
      text += `${name}_bucket${formatLabels([...labels, ['le', '+Inf']])} ${state.count}\n`;
      text += `${name}_sum${formatLabels(labels)} ${formatNumber(state.sum)}\n`;
      text += `${name}_count${formatLabels(labels)} ${state.count}\n`;
    }
    return text;
  }
}
