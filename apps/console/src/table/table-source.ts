import { type Filter } from './filter';

export interface TableQuery {
  offset: number;
  limit: number;
  sortBy?: string;
  sortOrder: 'asc' | 'desc';
  filters: readonly Filter[];
  search: string;
}

export interface TablePage<Row> {
  rows: readonly Row[];
  /** All rows that match, when known (a count call): for "1–50 of 10,000". */
  total?: number;
  /** Whether there is a page after this one. */
  hasMore: boolean;
}

/** Where a table's rows come from: the API page by page (server paging), or a list held in memory. */
export interface TableSource<Row> {
  fetch(query: TableQuery, signal?: AbortSignal): Promise<TablePage<Row>>;
}
