// Pieces of the Prometheus text exposition format (version 0.0.4).

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function assertMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name "${name}"`);
}

export function assertLabelName(name: string): void {
  if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`invalid label name "${name}"`);
}

export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** `{a="x",b="y"}` with values escaped, or '' for no labels. */
export function formatLabels(labels: ReadonlyArray<readonly [string, string]>): string {
  if (labels.length === 0) return '';
  const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${labels.map(([name, value]) => `${name}="${escape(value)}"`).join(',')}}`;
}

export function formatHeader(name: string, help: string, type: 'counter' | 'gauge' | 'histogram'): string {
  const escapedHelp = help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  return `# HELP ${name} ${escapedHelp}\n# TYPE ${name} ${type}\n`;
}
