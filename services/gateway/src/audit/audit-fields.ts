import { type AuditFilterField, parseFilter } from '@dv/contracts';
import { type FieldIssue, validationError } from '../http/validate';

/**
 * The reference's names of the fields an audit query may filter and sort on, and ours (the
 * `metadata` fields of a record keep their snake_case names here too).
 */
export const AUDIT_FIELD_NAMES = {
  timestamp: 'timestamp',
  subject: 'subject',
  subject_type: 'subjectType',
  action: 'action',
  entity_type: 'entityType',
  entity_id: 'entityId',
  entity_name: 'entityName',
  result: 'result',
  request_id: 'requestId',
  cluster_id: 'clusterId',
  seq: 'seq',
  scope_type: 'scopeType',
  scope_id: 'scopeId',
  related_ids: 'relatedIds',
  trace_id: 'traceId',
  source: 'source',
  event_type: 'eventType',
} as const satisfies Record<string, AuditFilterField>;
export type PublicAuditField = keyof typeof AUDIT_FIELD_NAMES;
export const PUBLIC_AUDIT_FIELDS = Object.keys(AUDIT_FIELD_NAMES) as [PublicAuditField, ...PublicAuditField[]];

/** `filterBy` items with the reference's field names, as the audit service's (an unknown field is refused naming the item). */
export function auditFilters(items: readonly string[] | undefined): string[] {
  const issues: FieldIssue[] = [];
  const mapped = (items ?? []).map((item, i) => {
    // The query schema already refused items without a field and an operator.
    const parsed = parseFilter(item);
    const ours = parsed === undefined ? undefined : (AUDIT_FIELD_NAMES as Record<string, AuditFilterField | undefined>)[parsed.field];
    if (parsed === undefined || ours === undefined) {
      issues.push({ field: `filterBy[${i}]`, message: `unknown filter field "${parsed?.field ?? ''}"; one of ${PUBLIC_AUDIT_FIELDS.join(', ')}` });
      return item;
    }
    return `${ours}${parsed.op}${parsed.value}`;
  });
  if (issues.length > 0) throw validationError(issues);
  return mapped;
}
