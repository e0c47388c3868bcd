import { compareCells, matchesFilter } from './filter';
import { type TablePage, type TableQuery, type TableSource } from './table-source';

/**
 * A table source over a list the API answers whole (the 18 roles): the same filter operators, search,
 * sort and paging as the API's, applied in memory. `cell` gives a row's text by field.
 */
export function localSource<Row>(
  load: (signal?: AbortSignal) => Promise<readonly Row[]>,
  cell: (row: Row, field: string) => string,
  searchFields: readonly string[],
): TableSource<Row> {
  let cached: Promise<readonly Row[]> | undefined;
  return {
    async fetch(query: TableQuery, signal?: AbortSignal): Promise<TablePage<Row>> {
      cached ??= load(signal).catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      const all = await cached;
      const search = query.search.trim().toLowerCase();
      let rows = all.filter(
        (row) =>
          query.filters.every((f) => matchesFilter(cell(row, f.field), f)) &&
          (search === '' || searchFields.some((field) => cell(row, field).toLowerCase().includes(search))),
      );
      const sortBy = query.sortBy;
      if (sortBy !== undefined) {
        const sign = query.sortOrder === 'desc' ? -1 : 1;
        rows = [...rows].sort((a, b) => sign * compareCells(cell(a, sortBy), cell(b, sortBy)));
      }
      return { rows: rows.slice(query.offset, query.offset + query.limit), total: rows.length, hasMore: query.offset + query.limit < rows.length };
    },
  };
}
