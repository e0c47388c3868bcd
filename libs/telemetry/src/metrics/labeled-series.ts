import { assertLabelName } from './prometheus-text';

/** Label values by label name; numbers are written as their decimal text. */
export type Labels<L extends string> = Readonly<Record<L, string | number>>;

/**
 * The series of one metric, one per distinct combination of label values, in creation order.
 * Labels are checked on every use: a missing or unknown label is a programming error, and
 * silently exporting a wrong series would be worse than failing the call.
 */
export class LabeledSeries<L extends string, S> {
  private readonly series = new Map<string, { labels: Array<readonly [string, string]>; state: S }>();

  constructor(
    private readonly metricName: string,
    readonly labelNames: readonly L[],
    private readonly create: () => S,
  ) {
    for (const name of labelNames) assertLabelName(name);
    if (new Set(labelNames).size !== labelNames.length) throw new Error(`${metricName}: duplicate label names`);
  }

  get(labels: Labels<L> | undefined): S {
    const pairs = this.pairs(labels);
    const key = JSON.stringify(pairs.map(([, value]) => value));
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: pairs, state: this.create() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  entries(): Array<{ labels: Array<readonly [string, string]>; state: S }> {
    return [...this.series.values()];
  }

  private pairs(labels: Labels<L> | undefined): Array<readonly [string, string]> {
    const given: Readonly<Record<string, string | number>> = labels ?? {};
    const unknown = Object.keys(given).filter((name) => !(this.labelNames as readonly string[]).includes(name));
    if (unknown.length > 0) throw new Error(`${this.metricName}: unknown label(s) ${unknown.join(', ')}`);
    return this.labelNames.map((name) => {
      const value = given[name];
      if (value === undefined) throw new Error(`${this.metricName}: missing label ${name}`);
      return [name, String(value)] as const;
    });
  }
}
