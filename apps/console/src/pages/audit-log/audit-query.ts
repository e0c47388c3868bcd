/** The fields the audit log may be filtered and sorted by (the reference's names). */
export const AUDIT_FIELDS = [
  'timestamp',
  'subject',
  'subject_type',
  'action',
  'entity_type',
  'entity_id',
  'entity_name',
  'result',
  'request_id',
  'cluster_id',
  'seq',
  'scope_type',
  'scope_id',
  'related_ids',
  'trace_id',
  'source',
  'event_type',
] as const;
export type AuditField = (typeof AUDIT_FIELDS)[number];

/** One filterBy item (`field<op>value`), as the table's filter row makes it. */
export interface AuditFilter {
  field: string;
  op: string;
  value: string;
}

export interface AuditQuery {
  /** ISO times: the range is required by the API. */
  start: string;
  end: string;
  filters: readonly AuditFilter[];
  search: string;
  sortBy?: string;
  sortOrder: 'asc' | 'desc';
  offset: number;
  pageSize: number;
}

/** A `datetime-local` input's value (local time, no zone) as an ISO time, or undefined when empty or invalid. */
export function isoOfLocal(local: string): string | undefined {
  if (local === '') return undefined;
  const ms = Date.parse(local);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** An ISO time as a `datetime-local` value in the browser's zone, to the minute. */
export function localOfIso(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function common(q: Pick<AuditQuery, 'start' | 'end' | 'filters' | 'search'>): URLSearchParams {
  const params = new URLSearchParams({ start: q.start, end: q.end });
  for (const f of q.filters) if (f.value !== '') params.append('filterBy', `${f.field}${f.op}${f.value}`);
  if (q.search.trim() !== '') params.set('search', q.search.trim());
  return params;
}

/** The query string of `GET /api/v1/audit/log` for a page. */
export function auditLogSearch(q: AuditQuery): string {
  const params = common(q);
  if (q.sortBy !== undefined) {
    params.set('sortBy', q.sortBy);
    params.set('sortOrder', q.sortOrder);
  }
  params.set('offset', String(q.offset));
  params.set('numberOfSamples', String(q.pageSize));
  return params.toString();
}

/** The query string of `GET /api/v1/audit/log/file` (same range and filters; the file is in chain order). */
export function auditFileSearch(q: AuditQuery, fileType: 'CSV' | 'JSON'): string {
  const params = common(q);
  params.set('file_type', fileType);
  return params.toString();
}
