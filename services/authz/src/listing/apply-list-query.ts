import { type ParsedFilter, parseFilter } from '@dv/contracts';

export type FieldValue = string | number | boolean | undefined;
export type FieldAccessors<T, F extends string> = Record<F, (item: T) => FieldValue>;

export interface ListQuery<F extends string> {
  filterBy: string[];
  search?: string | undefined;
  sortBy?: F | undefined;
  sortOrder: 'asc' | 'desc';
}

/** Compares a field's value with a filter: numbers numerically, strings case-insensitively. */
export function matchesFilter(value: FieldValue, filter: ParsedFilter): boolean {
  if (value === undefined) return filter.op === '!=' || filter.op === '!@';
  if (typeof value === 'number' && filter.op !== '=@' && filter.op !== '!@' && filter.op !== '=^' && filter.op !== '=$') {
    const other = Number(filter.value);
    if (Number.isNaN(other)) return filter.op === '!=';
    switch (filter.op) {
      case '==':
        return value === other;
      case '!=':
        return value !== other;
      case '<=':
        return value <= other;
      case '>=':
        return value >= other;
    }
  }
  const a = String(value).toLowerCase();
  const b = filter.value.toLowerCase();
  switch (filter.op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    case '=@':
      return a.includes(b);
    case '!@':
      return !a.includes(b);
    case '=^':
      return a.startsWith(b);
    case '=$':
      return a.endsWith(b);
  }
}

function compare(a: FieldValue, b: FieldValue): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { sensitivity: 'base', numeric: true });
}

/**
 * Filters (every filter must hold), searches (any of the search fields contains the text) and sorts
 * (stable, ties by the first field) a list held in memory.
 */
export function applyListQuery<T, F extends string>(items: readonly T[], query: ListQuery<F>, fields: FieldAccessors<T, F>, searchFields: readonly F[]): T[] {
  const filters = query.filterBy.map((raw) => parseFilter(raw)).filter((f): f is ParsedFilter => f !== undefined);
  const needle = query.search?.trim().toLowerCase();
  const out = items.filter((item) => {
    for (const f of filters) {
      const accessor = fields[f.field as F];
      if (!matchesFilter(accessor(item), f)) return false;
    }
    if (needle)
      return searchFields.some((name) =>
        String(fields[name](item) ?? '')
          .toLowerCase()
          .includes(needle),
      );
    return true;
  });
  if (query.sortBy) {
    const key = fields[query.sortBy];
    const sign = query.sortOrder === 'desc' ? -1 : 1;
    out.sort((a, b) => sign * compare(key(a), key(b)));
  }
  return out;
}

/** RFC 4180 CSV: a header row, then one row per item; fields quoted when they need it. */
export function toCsv<T, F extends string>(items: readonly T[], columns: readonly F[], fields: FieldAccessors<T, F>): string {
  const cell = (v: FieldValue): string => {
    const s = v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.join(',')];
  for (const item of items) lines.push(columns.map((c) => cell(fields[c](item))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** A CSV download of at most `maxRows` items (the seed: "Export to CSV is limited to 20,000 rows"). */
export function csvExport<T, F extends string>(
  items: readonly T[],
  columns: readonly F[],
  fields: FieldAccessors<T, F>,
  maxRows: number,
): { csv: string; rows: number; truncated: boolean } {
  const rows = items.slice(0, maxRows);
  return { csv: toCsv(rows, columns, fields), rows: rows.length, truncated: items.length > rows.length };
}
