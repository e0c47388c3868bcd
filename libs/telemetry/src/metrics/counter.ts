import { type Labels, LabeledSeries } from './labeled-series';
import { formatHeader, formatLabels, formatNumber } from './prometheus-text';

export interface MetricOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/** A monotonically increasing count, e.g. requests handled by subject and outcome. */
export class Counter<L extends string = never> {
  private readonly series: LabeledSeries<L, { value: number }>;

  constructor(readonly options: MetricOptions<L>) {
    this.series = new LabeledSeries(options.name, options.labelNames ?? [], () => ({ value: 0 }));
    // An unlabeled counter exists from the start, so it is exported as 0 before the first event.
    if (this.series.labelNames.length === 0) this.series.get(undefined);
  }

  inc(labels?: Labels<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.options.name}: a counter cannot decrease (got ${by})`);
    this.series.get(labels).value += by;
  }

  get(labels?: Labels<L>): number {
    return this.series.get(labels).value;
  }

  render(): string {
    let text = formatHeader(this.options.name, this.options.help, 'counter');
    for (const { labels, state } of this.series.entries()) text += `${this.options.name}${formatLabels(labels)} ${formatNumber(state.value)}\n`;
    return text;
  }
}
