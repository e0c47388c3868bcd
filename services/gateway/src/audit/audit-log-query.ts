import { FILTER_OPERATORS } from '@dv/contracts';
import { z } from 'zod';
import { queryInt } from '../api/parse-query';
import { PUBLIC_AUDIT_FIELDS } from './audit-fields';

/** The reference's page size and its largest (our dv.audit.query pages at most 500: bigger pages take two calls). */
export const DEFAULT_SAMPLES = 20;
export const MAX_SAMPLES = 1000;

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time with a zone (2026-12-06T10:00:00Z)' });

const OPS = `(?:${FILTER_OPERATORS.map((op) => op.replace(/[$^]/g, '\\$&')).join('|')})`;
const TEXT_FIELDS = PUBLIC_AUDIT_FIELDS.filter((f) => f !== 'seq' && f !== 'timestamp');
const ISO = '\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,9})?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';

/**
 * A filter item: a field of the reference's names, an operator, a value (`seq` a whole number,
 * `timestamp` an ISO time). As a pattern, so that the API description says it too.
 */
const filterItemSchema = z
  .string()
  .max(512)
  .regex(
    new RegExp(`^(?:(?:${TEXT_FIELDS.join('|')})${OPS}[^\\u0000]*|seq${OPS}\\d{1,15}|timestamp${OPS}${ISO})$`),
    `must be <field><op><value> with field one of ${PUBLIC_AUDIT_FIELDS.join(', ')} and op one of ${FILTER_OPERATORS.join(' ')} (seq a whole number, timestamp an ISO time)`,
  );

const filters = {
  start: isoTime,
  end: isoTime,
  filterBy: z.array(filterItemSchema).max(50).optional(),
  search: z.string().max(256).optional(),
};

/** A range that ends before it starts holds no record: answered empty (the caller's right is still checked), not refused. */
export function isEmptyRange(q: { start: string; end: string }): boolean {
  return Date.parse(q.end) < Date.parse(q.start);
}

/** `GET /api/v1/audit/log`: the time range (required), filters, sort and paging with the reference's names. */
export const auditLogQuerySchema = z.object({
  ...filters,
  offset: queryInt({ min: 0 }).optional(),
  numberOfSamples: queryInt({ min: 1, max: MAX_SAMPLES }).optional(),
  sortBy: z.enum(PUBLIC_AUDIT_FIELDS).optional(),
  sortOrder: z.enum(['asc', 'desc']).optional(),
});

export const AUDIT_FILE_TYPES = ['CSV', 'JSON'] as const;

/** `GET /api/v1/audit/log/file`: the same range and filters, in chain order (a stream is not sorted), as CSV or JSON. */
export const auditLogFileQuerySchema = z.object({ ...filters, file_type: z.enum(AUDIT_FILE_TYPES) });
