/** The API's filterBy operators (`field<op>value`), as the reference names them. */
export const FILTER_OPERATORS = [
  { op: '==', label: 'is' },
  { op: '!=', label: 'is not' },
  { op: '=@', label: 'contains' },
  { op: '!@', label: 'does not contain' },
  { op: '=^', label: 'starts with' },
  { op: '=$', label: 'ends with' },
  { op: '<=', label: 'at most' },
  { op: '>=', label: 'at least' },
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number]['op'];

export interface Filter {
  field: string;
  op: FilterOperator;
  value: string;
}

/** `name=@train`: one filterBy item. */
export function formatFilter(filter: Filter): string {
  return `${filter.field}${filter.op}${filter.value}`;
}

/** Whether a cell's text passes a filter (case-insensitive for the text operators), for tables held in memory. */
export function matchesFilter(cell: string, filter: Filter): boolean {
  const a = cell.toLowerCase();
  const b = filter.value.toLowerCase();
  switch (filter.op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '=@':
      return a.includes(b);
    case '!@':
      return !a.includes(b);
    case '=^':
      return a.startsWith(b);
    case '=$':
      return a.endsWith(b);
    case '<=':
      return compareCells(cell, filter.value) <= 0;
    case '>=':
      return compareCells(cell, filter.value) >= 0;
  }
}

/** Numbers as numbers, the rest as text (ISO times sort as text). */
export function compareCells(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a.localeCompare(b, 'en');
}
