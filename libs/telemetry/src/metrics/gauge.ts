import { type MetricOptions } from './counter';
import { type Labels, LabeledSeries } from './labeled-series';
import { formatHeader, formatLabels, formatNumber } from './prometheus-text';

/** A value that goes up and down, e.g. requests in flight or connected clients. */
export class Gauge<L extends string = never> {
  private readonly series: LabeledSeries<L, { value: number }>;

  constructor(readonly options: MetricOptions<L>) {
    this.series = new LabeledSeries(options.name, options.labelNames ?? [], () => ({ value: 0 }));
    if (this.series.labelNames.length === 0) this.series.get(undefined);
  }

  set(labels: Labels<L> | undefined, value: number): void {
    this.series.get(labels).value = value;
  }

  inc(labels?: Labels<L>, by = 1): void {
    this.series.get(labels).value += by;
  }

  dec(labels?: Labels<L>, by = 1): void {
    this.series.get(labels).value -= by;
  }

  get(labels?: Labels<L>): number {
    return this.series.get(labels).value;
  }

  render(): string {
    let text = formatHeader(this.options.name, this.options.help, 'gauge');
    for (const { labels, state } of this.series.entries()) text += `${this.options.name}${formatLabels(labels)} ${formatNumber(state.value)}\n`;
    return text;
  }
}
