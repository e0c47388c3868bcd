import { type AuditFilterField, DvError, type FilterOperator, parseFilter } from '@dv/contracts';
import { type mongo } from 'mongoose';
import { type AuditRecordDoc } from '../../records/audit-record.model';

type Condition = mongo.Filter<AuditRecordDoc>;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Record fields as stored (the record's `id` is the document's `_id`). */
const NUMERIC: ReadonlySet<AuditFilterField> = new Set(['seq']);

/** The UTC ISO form records are stored with, so string order is time order. */
export function normalizeTime(iso: string): string {
  return new Date(iso).toISOString();
}

function condition(field: AuditFilterField, op: FilterOperator, raw: string): Condition {
  let value: string | number = field === 'timestamp' ? normalizeTime(raw) : raw;
  if (NUMERIC.has(field)) {
    if (!/^\d+$/.test(raw)) throw DvError.validation(`filter on ${field} needs a whole number, got "${raw}"`, { field });
    value = Number(raw);
  } else if (field === 'timestamp' && Number.isNaN(Date.parse(raw))) {
    throw DvError.validation(`filter on timestamp needs an ISO 8601 time, got "${raw}"`, { field });
  }
  const text = String(value);
  switch (op) {
    case '==':
      return { [field]: value };
    case '!=':
      return { [field]: { $ne: value } };
    case '<=':
      return { [field]: { $lte: value } };
    case '>=':
      return { [field]: { $gte: value } };
    case '=@':
      return { [field]: { $regex: escapeRegex(text) } };
    // A negated regex as $nor: FerretDB handles $nor with $regex (decision 0003).
    case '!@':
      return { $nor: [{ [field]: { $regex: escapeRegex(text) } }] };
    case '=^':
      return { [field]: { $regex: `^${escapeRegex(text)}` } };
    case '=$':
      return { [field]: { $regex: `${escapeRegex(text)}$` } };
  }
}

/**
 * The database filter of a query: the time range (required, on the event time), every filterBy
 * item (ANDed) and a free-text search over the subject, entity, related volumes and action. A
 * condition on `relatedIds` (an array) matches a record when one of its ids matches (`!=` and `!@`:
 * when none does).
 */
export function buildQueryFilter(q: { from: string; to: string; filterBy: readonly string[]; search?: string | undefined }): Condition {
  const and: Condition[] = [{ timestamp: { $gte: normalizeTime(q.from), $lte: normalizeTime(q.to) } }];
  for (const item of q.filterBy) {
    const parsed = parseFilter(item);
    // The request schema already refused malformed items and unknown fields.
    if (!parsed) throw DvError.validation(`malformed filter "${item}"`);
    and.push(condition(parsed.field as AuditFilterField, parsed.op, parsed.value));
  }
  if (q.search !== undefined && q.search !== '') {
    const rx = { $regex: escapeRegex(q.search), $options: 'i' };
    and.push({ $or: [{ subject: rx }, { entityName: rx }, { entityId: rx }, { relatedIds: rx }, { action: rx }, { entityType: rx }] });
  }
  return and.length === 1 ? (and[0] as Condition) : { $and: and };
}
