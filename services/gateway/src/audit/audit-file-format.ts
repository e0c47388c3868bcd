import { type PublicAuditRecord } from './public-audit-record';

/** How a downloaded audit log is written: its media type, what opens and closes it, and each record. */
export interface AuditFileFormat {
  contentType: string;
  extension: string;
  start: string;
  /** `first`: the first record of the file (JSON puts a comma before every other one). */
  record: (record: PublicAuditRecord, first: boolean) => string;
  end: string;
}

/** The CSV columns: the record's fields in the reference's names, `metadata` as JSON. */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'timestamp',
  'subject',
  'subject_type',
  'source_ip',
  'action',
  'http_method',
  'url',
  'entity_type',
  'entity_name',
  'entity_id',
  'result',
  'http_status_code',
  'cluster',
  'cluster_id',
  'cluster_name',
  'tenant_id',
  'request_id',
  'metadata',
] as const satisfies readonly (keyof PublicAuditRecord)[];

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const AUDIT_FILE_FORMATS = {
  CSV: {
    contentType: 'text/csv; charset=utf-8',
    extension: 'csv',
    start: `${AUDIT_CSV_COLUMNS.join(',')}\r\n`,
    record: (r) => `${AUDIT_CSV_COLUMNS.map((c) => csvCell(r[c])).join(',')}\r\n`,
    end: '',
  },
  // One JSON array, written record by record.
  JSON: {
    contentType: 'application/json; charset=utf-8',
    extension: 'json',
    start: '[',
    record: (r, first) => `${first ? '' : ','}\n${JSON.stringify(r)}`,
    end: '\n]\n',
  },
} as const satisfies Record<string, AuditFileFormat>;
