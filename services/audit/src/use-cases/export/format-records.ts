import { type AuditRecord } from '@dv/contracts';
import { canonicalJson } from '../../chain/canonical-json';

export const CSV_COLUMNS = [
  'seq',
  'timestamp',
  'subject',
  'subjectType',
  'action',
  'entityType',
  'entityId',
  'entityName',
  'scopeType',
  'scopeId',
  'clusterId',
  'relatedIds',
  'result',
  'requestId',
  'traceId',
  'source',
  'eventType',
  'id',
  'recordedAt',
  'details',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof AuditRecord)[];

function csvCell(value: unknown): string {
  const text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : typeof value === 'number' ? String(value) : canonicalJson(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvLine(record: AuditRecord): string {
  return `${CSV_COLUMNS.map((c) => csvCell(record[c])).join(',')}\r\n`;
}
