import { type AuditFilterField, type AuditRecord, DvError, type FilterOperator, parseFilter } from '@dv/contracts';

/** A condition on a record, decided in memory (the store serves no filter but `_id`: decision 0014). */
export type RecordPredicate = (record: AuditRecord) => boolean;

/** One parsed `filterBy` item. */
export interface FieldCondition {
  field: AuditFilterField;
  op: FilterOperator;
  /** The value as compared: a number for seq, a UTC ISO time for timestamp, else the text. */
  value: string | number;
  test: RecordPredicate;
}

/** The UTC ISO form records are stored with, so string order is time order. */
export function normalizeTime(iso: string): string {
  return new Date(iso).toISOString();
}

type Scalar = string | number;

/** The values a record holds for a field: none (absent), one, or an array's items. */
function valuesOf(record: AuditRecord, field: AuditFilterField): Scalar[] {
  const v: unknown = record[field];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.filter((x): x is Scalar => typeof x === 'string' || typeof x === 'number');
  return typeof v === 'string' || typeof v === 'number' ? [v] : [];
}

/** Compared as the database compared them: numbers with numbers, strings with strings (code-unit order), never across. */
function compare(a: Scalar, b: Scalar): number | undefined {
  if (typeof a !== typeof b) return undefined;
  return a < b ? -1 : a > b ? 1 : 0;
}

const textOf = (v: Scalar): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * One `filterBy` item as a predicate, with the database's semantics it replaces: a condition on an
 * array (`relatedIds`) holds when one of its items matches (`!=` and `!@`: when none does); an absent
 * field matches only `!=` and `!@`; text operators never match a number.
 */
export function fieldCondition(item: string): FieldCondition {
  const parsed = parseFilter(item);
  // The request schema already refused malformed items and unknown fields.
  if (!parsed) throw DvError.validation(`malformed filter "${item}"`);
  const field = parsed.field as AuditFilterField;
  const raw = parsed.value;
  let value: string | number = raw;
  if (field === 'seq') {
    if (!/^\d+$/.test(raw)) throw DvError.validation(`filter on ${field} needs a whole number, got "${raw}"`, { field });
    value = Number(raw);
  } else if (field === 'timestamp') {
    if (Number.isNaN(Date.parse(raw))) throw DvError.validation(`filter on timestamp needs an ISO 8601 time, got "${raw}"`, { field });
    value = normalizeTime(raw);
  }
  const text = String(value);
  const some = (r: AuditRecord, f: (v: Scalar) => boolean): boolean => valuesOf(r, field).some(f);
  let test: RecordPredicate;
  switch (parsed.op) {
    case '==':
      test = (r) => some(r, (v) => compare(v, value) === 0);
      break;
    case '!=':
      test = (r) => !some(r, (v) => compare(v, value) === 0);
      break;
    case '<=':
      test = (r) => some(r, (v) => (compare(v, value) ?? 1) <= 0);
      break;
    case '>=':
      test = (r) => some(r, (v) => (compare(v, value) ?? -1) >= 0);
      break;
    case '=@':
      test = (r) => some(r, (v) => textOf(v)?.includes(text) === true);
      break;
    case '!@':
      test = (r) => !some(r, (v) => textOf(v)?.includes(text) === true);
      break;
    case '=^':
      test = (r) => some(r, (v) => textOf(v)?.startsWith(text) === true);
      break;
    case '=$':
      test = (r) => some(r, (v) => textOf(v)?.endsWith(text) === true);
      break;
  }
  return { field, op: parsed.op, value, test };
}

const SEARCHED: readonly AuditFilterField[] = ['subject', 'entityName', 'entityId', 'relatedIds', 'action', 'entityType'];

/** The free-text search: the text, any case, in the subject, entity, related volumes, action or entity type. */
export function searchCondition(search: string): RecordPredicate {
  const needle = search.toLowerCase();
  return (r) => SEARCHED.some((f) => valuesOf(r, f).some((v) => typeof v === 'string' && v.toLowerCase().includes(needle)));
}
