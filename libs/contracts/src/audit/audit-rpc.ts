import { z } from 'zod';
import { defineRpc } from '../rpc/define-rpc';
import { listQuerySchema } from '../query/list-query';
import { auditRecordSchema } from './audit-record';

export const AUDIT_FILTER_FIELDS = [
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
  'timestamp',
  'seq',
] as const;
export type AuditFilterField = (typeof AUDIT_FILTER_FIELDS)[number];

export const AUDIT_MAX_QUERY_LIMIT = 500;
export const AUDIT_MAX_EXPORT_RECORDS = 5000;

const isoTime = z.iso.datetime({ offset: true });

/** A time range, both ends required (ISO 8601), `to` not before `from`. */
const timeRange = z.object({ from: isoTime, to: isoTime });
const rangeInOrder = (r: { from: string; to: string }): boolean => Date.parse(r.to) >= Date.parse(r.from);
const rangeMessage = { message: 'the time range ends before it starts (to < from)', path: ['to'] };

const auditListQuery = listQuerySchema(AUDIT_FILTER_FIELDS, { maxLimit: AUDIT_MAX_QUERY_LIMIT, defaultLimit: 50 });
const queryRequest = auditListQuery.extend(timeRange.shape).refine(rangeInOrder, rangeMessage);

const exportRequest = timeRange
  .extend({
    format: z.enum(['jsonl', 'csv']),
    /** From the previous chunk's reply; absent for the first chunk. */
    cursor: z.string().regex(/^\d+$/).optional(),
    maxRecords: z.number().int().min(1).max(AUDIT_MAX_EXPORT_RECORDS).default(1000),
    /** The query's filters and search (same semantics): an export of a filtered range streams only its records. */
    filterBy: auditListQuery.shape.filterBy,
    search: auditListQuery.shape.search,
  })
  .refine(rangeInOrder, rangeMessage);

export const VERIFY_PROBLEMS = ['changed', 'removed', 'inserted'] as const;

export const AuditRpc = {
  query: defineRpc({
    subject: 'dv.audit.query',
    request: queryRequest,
    reply: z.object({ totalRecords: z.number().int(), records: z.array(auditRecordSchema) }),
    description: 'Audit records of a time range (required), filtered (the reference operators), searched, sorted and paged.',
  }),
  export: defineRpc({
    subject: 'dv.audit.export',
    request: exportRequest,
    reply: z.object({ chunk: z.string(), records: z.number().int(), nextCursor: z.string().nullable() }),
    description:
      'One chunk of a range as JSON lines or CSV (header in the first chunk), in chain order, optionally filtered and searched like query; follow nextCursor until null.',
  }),
  verify: defineRpc({
    subject: 'dv.audit.verify',
    request: z
      .object({
        fromSeq: z.number().int().positive().optional(),
        toSeq: z.number().int().positive().optional(),
        /**
         * Also hold the chain to the last record sealed on DV_AUDIT (the copy outside the database): a
         * tail cut or rewritten in the database, hashes and all, is named.
         */
        againstStream: z.boolean().default(false),
      })
      .refine((r) => r.fromSeq === undefined || r.toSeq === undefined || r.toSeq >= r.fromSeq, { message: 'toSeq is before fromSeq', path: ['toSeq'] }),
    reply: z.object({
      ok: z.boolean(),
      checked: z.number().int(),
      fromSeq: z.number().int(),
      toSeq: z.number().int(),
      /** Where the chain starts: the genesis or the last archive's checkpoint. */
      base: z.object({ seq: z.number().int(), hash: z.string() }),
      firstBad: z.object({ seq: z.number(), problem: z.enum(VERIFY_PROBLEMS), message: z.string(), id: z.string().optional() }).optional(),
    }),
    description: 'Recomputes the chain over a range of sequences and names the first record changed, removed or inserted (optionally held to DV_AUDIT).',
  }),
  head: defineRpc({
    subject: 'dv.audit.head',
    request: z.object({}).strict(),
    reply: z.object({
      /** The last sealed record in the store (the base when the log is empty). */
      seq: z.number().int(),
      hash: z.string(),
      /** Where the chain starts: the genesis or the last archive's checkpoint. */
      base: z.object({ seq: z.number().int(), hash: z.string() }),
    }),
    description:
      "The chain's head: the last stored record's seq and hash (an outside verifier compares it with the last record on DV_AUDIT), and the base the chain starts from. A few point reads, whatever the log's size.",
  }),
  archive: defineRpc({
    subject: 'dv.audit.archive',
    request: z.object({ olderThan: isoTime }),
    reply: z.object({
      archived: z.number().int(),
      file: z.string().nullable(),
      checkpoint: z.object({ seq: z.number().int(), hash: z.string() }),
    }),
    description: 'Writes the records sealed before a time to a JSON-lines file, records the checkpoint {seq, hash}, then removes them.',
  }),
} as const;
