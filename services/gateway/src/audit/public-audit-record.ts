import { type AuditRecord, auditResultSchema } from '@dv/contracts';
import { z } from 'zod';

/**
 * An audit record as the reference's audit log shows it (snake_case). Ours is mapped at the edge
 * (decision 0022): the fields we record keep their meaning under the reference's names; what we do
 * not record (the HTTP request behind a change: source_ip, http_method, url, http_status_code; names
 * of cluster and tenant) is null; what only we have (the chain, the scope, the related volumes, the
 * event) is in `metadata`.
 */
export const publicAuditRecordSchema = z.object({
  id: z.string(),
  timestamp: z.string(),
  subject: z.string(),
  subject_type: z.string(),
  source_ip: z.null(),
  action: z.string(),
  http_method: z.null(),
  url: z.null(),
  entity_type: z.string(),
  entity_name: z.string().nullable(),
  entity_id: z.string().nullable(),
  result: auditResultSchema,
  http_status_code: z.null(),
  cluster: z.null(),
  cluster_id: z.string().nullable(),
  cluster_name: z.null(),
  tenant_id: z.null(),
  request_id: z.string().nullable(),
  metadata: z.object({
    seq: z.number().int(),
    recorded_at: z.string(),
    scope_type: z.string().nullable(),
    scope_id: z.string().nullable(),
    related_ids: z.array(z.string()),
    trace_id: z.string().nullable(),
    source: z.string(),
    event_type: z.string(),
    details: z.unknown(),
    prev_hash: z.string(),
    hash: z.string(),
  }),
});
export type PublicAuditRecord = z.output<typeof publicAuditRecordSchema>;

export function publicAuditRecord(r: AuditRecord): PublicAuditRecord {
  return {
    id: r.id,
    timestamp: r.timestamp,
    subject: r.subject,
    subject_type: r.subjectType,
    source_ip: null,
    action: r.action,
    http_method: null,
    url: null,
    entity_type: r.entityType,
    entity_name: r.entityName ?? null,
    entity_id: r.entityId ?? null,
    result: r.result,
    http_status_code: null,
    cluster: null,
    cluster_id: r.clusterId ?? null,
    cluster_name: null,
    tenant_id: null,
    request_id: r.requestId ?? null,
    metadata: {
      seq: r.seq,
      recorded_at: r.recordedAt,
      scope_type: r.scopeType ?? null,
      scope_id: r.scopeId ?? null,
      related_ids: r.relatedIds ?? [],
      trace_id: r.traceId ?? null,
      source: r.source,
      event_type: r.eventType,
      details: r.details,
      prev_hash: r.prevHash,
      hash: r.hash,
    },
  };
}
