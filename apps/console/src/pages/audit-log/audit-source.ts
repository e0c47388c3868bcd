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

/**
 * The table's rows from the audit log: the table's page, sort, filters and search with the range
 * (required by the API); `onQuery` learns each query asked, so the export sends the same filters.
 */
export function auditSource(api: ApiClient, range: { start: string; end: string }, onQuery: (q: AuditQuery) => void): TableSource<AuditRecord> {
  return {
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
      onQuery(q);
      const answer = await api.get<{ total: number; next?: number; audit_logs: AuditRecord[] }>(`/api/v1/audit/log?${auditLogSearch(q)}`, {}, signal);
      return { rows: answer.audit_logs, total: answer.total, hasMore: answer.next !== undefined };
    },
  };
}
