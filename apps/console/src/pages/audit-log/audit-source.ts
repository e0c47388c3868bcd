import { type ApiClient } from '../../api/api-client';
import { type TablePage, type TableQuery, type TableSource } from '../../table/table-source';
import { type AuditQuery, auditLogSearch } from './audit-query';

/** An audit record as `/api/v1/audit/log` answers it (the reference's snake_case; ours in metadata). */
export interface AuditRecord {
  id: string;
  timestamp: string;
  subject: string;
  subject_type: string;
  action: string;
  entity_type: string;
  entity_name: string | null;
  entity_id: string | null;
  result: string;
  cluster_id: string | null;
  request_id: string | null;
  metadata: { seq: number; scope_type: string | null; scope_id: string | null; related_ids: string[]; event_type: string; source: string; hash: string };
}

export interface AuditSource extends TableSource<AuditRecord> {
  /** The last query the table asked (the export sends the same range and filters), or undefined before the first. */
  lastQuery(): AuditQuery | undefined;
}

/** The table's rows from the audit log: the table's page, sort, filters and search with the range (required by the API). */
export function auditSource(api: ApiClient, range: { start: string; end: string }): AuditSource {
  let last: AuditQuery | undefined;
  return {
    lastQuery: () => last,
    async fetch(query: TableQuery, signal?: AbortSignal): Promise<TablePage<AuditRecord>> {
      const q: AuditQuery = {
        ...range,
        filters: query.filters,
        search: query.search,
        ...(query.sortBy === undefined ? {} : { sortBy: query.sortBy }),
        sortOrder: query.sortOrder,
        offset: query.offset,
        pageSize: query.limit,
      };
      last = q;
      const answer = await api.get<{ total: number; next?: number; audit_logs: AuditRecord[] }>(`/api/v1/audit/log?${auditLogSearch(q)}`, {}, signal);
      return { rows: answer.audit_logs, total: answer.total, hasMore: answer.next !== undefined };
    },
  };
}
