import { stringify } from 'yaml';
import { CliError } from './cli-error';

export type OutputFormat = 'table' | 'json' | 'yaml';

export interface Column {
  /** The header as printed (upper case, like kubectl). */
  header: string;
  /** A dotted path into the row: `status.phase`. */
  path: string;
}

/** `-o json|yaml|table`, or one of `--json`, `--yaml`, `--table` (at most one way). */
export function outputFormat(flags: {
  output?: string | undefined;
  json?: boolean | undefined;
  yaml?: boolean | undefined;
  table?: boolean | undefined;
}): OutputFormat {
  const chosen = [flags.output, flags.json ? 'json' : undefined, flags.yaml ? 'yaml' : undefined, flags.table ? 'table' : undefined].filter(
    (f): f is string => f !== undefined,
  );
  if (chosen.length > 1 && new Set(chosen).size > 1) throw CliError.usage(`choose one output format, not ${chosen.join(' and ')}`);
  const format = chosen[0] ?? 'table';
  if (format !== 'table' && format !== 'json' && format !== 'yaml') throw CliError.usage(`--output must be table, json or yaml, not ${format}`);
  return format;
}

/** `--columns name,status.phase`: the columns asked for, each a field path (header: the path in upper case). */
export function parseColumns(spec: string | undefined, defaults: readonly Column[]): Column[] {
  if (spec === undefined) return [...defaults];
  const paths = spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (paths.length === 0) throw CliError.usage('--columns names no column');
  for (const path of paths) if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/.test(path)) throw CliError.usage(`--columns: ${path} is not a field path`);
  return paths.map((path) => defaults.find((c) => c.path === path || c.header.toLowerCase() === path.toLowerCase()) ?? { header: path.toUpperCase(), path });
}

export function valueAt(row: unknown, path: string): unknown {
  let value: unknown = row;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '<none>';
  if (typeof value === 'string') return value.replace(/[\r\n\t]+/g, ' ');
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '<none>' : value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(',');
  return JSON.stringify(value);
}

/** Rows as an aligned table (two spaces between columns, no trailing spaces). */
export function table(rows: readonly unknown[], columns: readonly Column[], options: { headers: boolean }): string {
  const lines = rows.map((row) => columns.map((c) => cell(valueAt(row, c.path))));
  if (options.headers) lines.unshift(columns.map((c) => c.header));
  const widths = columns.map((_, i) => Math.max(0, ...lines.map((l) => (l[i] ?? '').length)));
  return lines.map((l) => l.map((v, i) => (i === l.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join('  ')).join('\n') + (lines.length > 0 ? '\n' : '');
}

/** A value as the chosen format; tables need rows and columns. */
export function render(value: unknown, format: Exclude<OutputFormat, 'table'>): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : stringify(value);
}
