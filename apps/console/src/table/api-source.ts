import { type ApiClient, type QueryValue } from '../api/api-client';
import { formatFilter } from './filter';
import { type TablePage, type TableQuery, type TableSource } from './table-source';

/**
 * A table source paging the API (offset/limit, sortBy/sortOrder, filterBy, search): `list` names the
 * rows in the answer; `countPath`, when the API has one, gives the total beside the page (both calls at once).
 */
export function apiSource<Row>(
  api: ApiClient,
  options: {
    path: string;
    countPath?: string;
    fixed?: Readonly<Record<string, QueryValue>>;
    rows: (answer: unknown) => readonly Row[];
  },
): TableSource<Row> {
  return {
    async fetch(query: TableQuery, signal?: AbortSignal): Promise<TablePage<Row>> {
      const params: Record<string, QueryValue> = {
        ...options.fixed,
        offset: query.offset,
        // One more than asked: whether a next page exists, without relying on a count.
        limit: query.limit,
        sortBy: query.sortBy,
        sortOrder: query.sortBy === undefined ? undefined : query.sortOrder,
        filterBy: query.filters.map(formatFilter),
        search: query.search.trim(),
      };
      const countParams: Record<string, QueryValue> = { ...params, offset: undefined, limit: undefined, sortBy: undefined, sortOrder: undefined };
      const [answer, count] = await Promise.all([
        api.get<unknown>(options.path, params, signal),
        options.countPath === undefined ? Promise.resolve(undefined) : api.get<{ count: number }>(options.countPath, countParams, signal),
      ]);
      const rows = options.rows(answer);
      const next = (answer as { next?: unknown }).next;
      const total = count?.count;
      const hasMore = total !== undefined ? query.offset + rows.length < total : typeof next === 'number' ? true : rows.length === query.limit;
      return { rows, hasMore, ...(total === undefined ? {} : { total }) };
    },
  };
}
