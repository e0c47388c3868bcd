import { z } from 'zod';

/** Outcome of the change or decision a record describes (the reference's `result`). */
export const AUDIT_RESULTS = ['Succeeded', 'Failed'] as const;
export const auditResultSchema = z.enum(AUDIT_RESULTS);
export type AuditResult = z.infer<typeof auditResultSchema>;

/** The previous hash of the very first record of a chain (when nothing was archived before it). */
export const GENESIS_HASH = '0'.repeat(64);

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * One sealed audit record: one event of the platform (ours or the platform's), in the one total
 * order of the chain (`seq`), with the hash of its predecessor and its own hash over its canonical
 * form. Field names follow the reference's audit log (`timestamp, subject, subject_type, action,
 * entity_type, entity_name, entity_id, result, request_id, …`) in our camelCase.
 */
export const auditRecordSchema = z.object({
  /** Position in the chain: 1, 2, 3, … with no gap. */
  seq: z.number().int().positive(),
  /** The event's id (CloudEvents `id`): a record per event, never two. */
  id: z.string().min(1),
  /** When the change or decision happened (the event's time, UTC ISO 8601). */
  timestamp: z.string(),
  /** When the audit service sealed it. */
  recordedAt: z.string(),
  /** Who did it (the event's actor). */
  subject: z.string(),
  subjectType: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().optional(),
  entityName: z.string().optional(),
  scopeType: z.string().optional(),
  scopeId: z.string().optional(),
  clusterId: z.string().optional(),
  /**
   * The data volumes (by id) the record concerns besides or as its entity: a volume's own events,
   * its sharing changes, bindings, refusals, and the workloads admitted or denied with it. One query
   * (`relatedIds==<volume id>`) finds a volume's whole story.
   */
  relatedIds: z.array(z.string()).optional(),
  result: auditResultSchema,
  requestId: z.string().optional(),
  traceId: z.string().optional(),
  /** CloudEvents `source` of the event (`dv/<service>`, the platform's services). */
  source: z.string(),
  /** CloudEvents `type` (`dv.evt.volume.created.v1`). */
  eventType: z.string(),
  /** The event's data, as it came. */
  details: z.unknown(),
  prevHash: sha256Hex,
  hash: sha256Hex,
});
export type AuditRecord = z.output<typeof auditRecordSchema>;
