import { type FormEvent, type ReactNode, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ErrorState } from '../app/states';
import { useLoad } from '../app/use-load';
import { CSV_MAX_ROWS, toCsv } from './csv';
import { FILTER_OPERATORS, type Filter, type FilterOperator, formatFilter } from './filter';
import { type TableQuery, type TableSource } from './table-source';

export interface Column<Row> {
  /** The API's field name: what sortBy and filterBy name. */
  key: string;
  header: string;
  /** The cell's text: what is shown (unless `render`), filtered, searched and downloaded. */
  value: (row: Row) => string;
  render?: (row: Row) => ReactNode;
  sortable?: boolean;
  filterable?: boolean;
  /** Left out until chosen in Columns. */
  hidden?: boolean;
}

export interface DataTableProps<Row> {
  /** The table's accessible name, and the CSV file's name. */
  title: string;
  columns: readonly Column<Row>[];
  source: TableSource<Row>;
  rowKey: (row: Row) => string;
  /** The first sort; none when undefined. */
  initialSort?: { by: string; order: 'asc' | 'desc' };
  pageSizes?: readonly number[];
  emptyText?: string;
}

/** A CSV download pages the API at its largest page. */
const DOWNLOAD_PAGE = 500;

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The table of every table page (the seeds' "Customizing the table view"): filter with the API's
 * operators, search, sort by any column, column selection, server paging, download as CSV (at most
 * 20,000 rows), and the loading, empty and error (401/403/503) states.
 */
export function DataTable<Row>(props: DataTableProps<Row>) {
  const { columns, source, title } = props;
  const pageSizes = props.pageSizes ?? [25, 50, 100];
  const id = useId();
  const [visible, setVisible] = useState<ReadonlySet<string>>(() => new Set(columns.filter((c) => c.hidden !== true).map((c) => c.key)));
  const [query, setQuery] = useState<TableQuery>({
    offset: 0,
    limit: pageSizes.includes(50) ? 50 : (pageSizes[0] ?? 50),
    ...(props.initialSort === undefined ? {} : { sortBy: props.initialSort.by }),
    sortOrder: props.initialSort?.order ?? 'asc',
    filters: [],
    search: '',
  });
  const [searchText, setSearchText] = useState('');
  const [downloading, setDownloading] = useState<string | undefined>(undefined);

  // The source is part of the key: a page that changes its source (another project) loads again.
  const key = useMemo(() => ({ source, query }), [source, query]);
  const { data: page, error, loading } = useLoad(key, (signal) => source.fetch(query, signal));

  // Search as typed, once typing pauses: one call, not one per key.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(() => setQuery((q) => ({ ...q, search: searchText, offset: 0 })), 250);
    return () => clearTimeout(timer);
  }, [searchText]);

  const shown = useMemo(() => columns.filter((c) => visible.has(c.key)), [columns, visible]);

  const sortBy = (key: string) => setQuery((q) => ({ ...q, sortBy: key, sortOrder: q.sortBy === key && q.sortOrder === 'asc' ? 'desc' : 'asc', offset: 0 }));

  const downloadCsv = async () => {
    setDownloading('Preparing the download…');
    try {
      const rows: Row[] = [];
      for (let offset = 0; rows.length < CSV_MAX_ROWS; offset += DOWNLOAD_PAGE) {
        const limit = Math.min(DOWNLOAD_PAGE, CSV_MAX_ROWS - rows.length);
        const answer = await source.fetch({ ...query, offset, limit });
        rows.push(...answer.rows);
        setDownloading(`Preparing the download… ${rows.length} rows`);
        if (!answer.hasMore || answer.rows.length === 0) break;
      }
      download(
        `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv`,
        toCsv(
          shown.map((c) => c.header),
          rows.map((row) => shown.map((c) => c.value(row))),
        ),
      );
      setDownloading(undefined);
    } catch (e: unknown) {
      setDownloading(`The download failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const total = page?.total;
  const from = page !== undefined && page.rows.length > 0 ? query.offset + 1 : 0;
  const to = query.offset + (page?.rows.length ?? 0);

  return (
    <section className="data-table" aria-label={title}>
      <div className="toolbar">
        <FilterForm columns={columns.filter((c) => c.filterable !== false)} onAdd={(f) => setQuery((q) => ({ ...q, filters: [...q.filters, f], offset: 0 }))} />
        <label className="search">
          <span>Search</span>
          <input type="search" value={searchText} onChange={(e) => setSearchText(e.target.value)} data-testid="table-search" />
        </label>
        <details className="menu" data-testid="columns-menu">
          <summary>Columns</summary>
          <fieldset>
            <legend>Columns to show</legend>
            {columns.map((c) => (
              <label key={c.key}>
                <input
                  type="checkbox"
                  checked={visible.has(c.key)}
                  // At least one column stays.
                  disabled={visible.has(c.key) && visible.size === 1}
                  onChange={(e) => {
                    const next = new Set(visible);
                    if (e.target.checked) next.add(c.key);
                    else next.delete(c.key);
                    setVisible(next);
                  }}
                />
                {c.header}
              </label>
            ))}
          </fieldset>
        </details>
        <details className="menu" data-testid="more-menu">
          <summary>More</summary>
          <button type="button" onClick={() => void downloadCsv()} disabled={downloading !== undefined && downloading.startsWith('Preparing')}>
            Download as CSV
          </button>
          <p className="hint">At most {CSV_MAX_ROWS.toLocaleString('en')} rows.</p>
        </details>
      </div>
      {query.filters.length > 0 && (
        <ul className="chips" aria-label="Filters">
          {query.filters.map((f, i) => (
            <li key={`${formatFilter(f)}-${i}`}>
              <span>
                {columns.find((c) => c.key === f.field)?.header ?? f.field} {FILTER_OPERATORS.find((o) => o.op === f.op)?.label} “{f.value}”
              </span>
              <button
                type="button"
                aria-label={`Remove the filter ${formatFilter(f)}`}
                onClick={() => setQuery((q) => ({ ...q, filters: q.filters.filter((_, j) => j !== i), offset: 0 }))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {downloading !== undefined && <p role="status">{downloading}</p>}
      {error !== undefined && !loading ? (
        <ErrorState error={error} />
      ) : (
        <div className="scroll">
          <table aria-describedby={`${id}-status`} aria-busy={loading}>
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                {shown.map((c) => {
                  const sorted = query.sortBy === c.key ? (query.sortOrder === 'asc' ? 'ascending' : 'descending') : undefined;
                  return (
                    <th key={c.key} scope="col" aria-sort={sorted ?? 'none'}>
                      {c.sortable === false ? (
                        c.header
                      ) : (
                        <button type="button" className="sort" onClick={() => sortBy(c.key)}>
                          {c.header}
                          <span aria-hidden="true">{sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ''}</span>
                        </button>
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {page?.rows.map((row) => (
                <tr key={props.rowKey(row)}>
                  {shown.map((c) => (
                    <td key={c.key}>{c.render !== undefined ? c.render(row) : c.value(row)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {!loading && page !== undefined && page.rows.length === 0 && (
            <p className="state" data-state="empty">
              {props.emptyText ?? 'Nothing to show.'}
            </p>
          )}
        </div>
      )}
      <div className="pager">
        <p id={`${id}-status`} role="status" data-testid="table-status">
          {loading ? 'Loading…' : total !== undefined ? `${from}–${to} of ${total.toLocaleString('en')}` : `${from}–${to}`}
        </p>
        <label>
          <span>Rows per page</span>
          <select value={query.limit} onChange={(e) => setQuery((q) => ({ ...q, limit: Number(e.target.value), offset: 0 }))}>
            {pageSizes.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={query.offset === 0} onClick={() => setQuery((q) => ({ ...q, offset: Math.max(0, q.offset - q.limit) }))}>
          Previous page
        </button>
        <button type="button" disabled={page === undefined || !page.hasMore} onClick={() => setQuery((q) => ({ ...q, offset: q.offset + q.limit }))}>
          Next page
        </button>
      </div>
    </section>
  );
}

function FilterForm<Row>({ columns, onAdd }: { columns: readonly Column<Row>[]; onAdd: (filter: Filter) => void }) {
  const [field, setField] = useState(columns[0]?.key ?? '');
  const [op, setOp] = useState<FilterOperator>('=@');
  const [value, setValue] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim() === '' || field === '') return;
    onAdd({ field, op, value: value.trim() });
    setValue('');
  };
  return (
    <form className="filter" onSubmit={submit} aria-label="Add filter">
      <label>
        <span>Column</span>
        <select value={field} onChange={(e) => setField(e.target.value)} data-testid="filter-field">
          {columns.map((c) => (
            <option key={c.key} value={c.key}>
              {c.header}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Operator</span>
        <select value={op} onChange={(e) => setOp(e.target.value as FilterOperator)} data-testid="filter-op">
          {FILTER_OPERATORS.map((o) => (
            <option key={o.op} value={o.op}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>Value</span>
        <input value={value} onChange={(e) => setValue(e.target.value)} maxLength={256} data-testid="filter-value" />
      </label>
      <button type="submit">Add filter</button>
    </form>
  );
}
