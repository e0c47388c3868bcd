import { type AuditRecord } from '@dv/contracts';
import { createHash } from 'node:crypto';

/** Fields with a posting list per value: an `==` filter on one of them reads that list. */
export const INDEXED_FIELDS = ['entityId', 'subject', 'requestId', 'relatedIds'] as const;
export type IndexedField = (typeof INDEXED_FIELDS)[number];

/** Values longer than this are keyed by their hash (an `_id` stays short). */
const MAX_KEY_VALUE = 200;

/** The posting list of records whose `field` is (or, for relatedIds, holds) `value`. */
export function fieldKey(field: IndexedField, value: string): string {
  const v = value.length > MAX_KEY_VALUE ? `#${createHash('sha256').update(value).digest('hex')}` : value;
  return `f:${field}=${v}`;
}

/**
 * Time: a posting list per minute of event time (`tm:2026-12-06T11:50`); above it heads that count
 * their children's records: hour (`th:…T11`, by minute), day (`td:`, by hour), month (`tM:`, by day),
 * year (`ty:`, by month), and the root (`tr:`, by year). A time range is then a few heads and the minute lists at its two ends.
 */
export const TIME_LEVELS = [
  { prefix: 'tr:', length: 0, childFrom: 0, childTo: 4 },
  { prefix: 'ty:', length: 4, childFrom: 5, childTo: 7 },
  { prefix: 'tM:', length: 7, childFrom: 8, childTo: 10 },
  { prefix: 'td:', length: 10, childFrom: 11, childTo: 13 },
  { prefix: 'th:', length: 13, childFrom: 14, childTo: 16 },
] as const;
export const MINUTE_PREFIX = 'tm:';
export const MINUTE_LENGTH = 16;

/** The minute list of an ISO time (UTC, `toISOString` form). */
export const minuteKey = (iso: string): string => `${MINUTE_PREFIX}${iso.slice(0, MINUTE_LENGTH)}`;

/** A record's event time in ms, or undefined when it is no time (the record is then in no time list). */
export function eventTime(record: Pick<AuditRecord, 'timestamp'>): number | undefined {
  const ms = Date.parse(record.timestamp);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The posting lists a record is entered in. */
export function recordKeys(record: AuditRecord): string[] {
  const keys: string[] = [];
  const ms = eventTime(record);
  if (ms !== undefined) keys.push(minuteKey(new Date(ms).toISOString()));
  for (const field of INDEXED_FIELDS) {
    const value = record[field];
    if (typeof value === 'string') keys.push(fieldKey(field, value));
    else if (Array.isArray(value)) for (const v of new Set(value)) if (typeof v === 'string') keys.push(fieldKey(field, v));
  }
  return keys;
}
