import { AuditRpc } from '@dv/contracts';
import { z } from 'zod';
import { type ApiOperation } from '../api/api-operation';
import { auditLogFileQuerySchema, auditLogQuerySchema } from './audit-log-query';
import { publicAuditRecordSchema } from './public-audit-record';

const TAGS = ['Audit'];

/** The reference's audit log (`/api/v1/audit/log`), mapped in decision 0022. */
export const AUDIT_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: 'getAuditLog',
    method: 'GET',
    path: '/api/v1/audit/log',
    tags: TAGS,
    summary: 'Audit records of a time range: filtered, searched, sorted and paged (numberOfSamples ≤ 1000, default 20).',
    description:
      "Needs events-history read at system scope. Records have the reference's snake_case fields; what we do not record (the HTTP request behind a change) is null, what only we have is in `metadata`.",
    query: auditLogQuerySchema,
    responses: {
      200: {
        description: 'A page; `next` is the offset of the next page, absent on the last.',
        schema: z.object({ total: z.number().int(), next: z.number().int().optional(), audit_logs: z.array(publicAuditRecordSchema) }),
      },
    },
    errors: [400, 403],
    calls: [AuditRpc.query.subject],
  },
  {
    operationId: 'downloadAuditLog',
    method: 'GET',
    path: '/api/v1/audit/log/file',
    tags: TAGS,
    summary: 'The audit records of a time range as a CSV or JSON file, streamed (ranges of any size), in chain order.',
    query: auditLogFileQuerySchema,
    responses: {
      200: {
        description: 'The file (an attachment): CSV with a header row, or one JSON array of records.',
        schema: z.array(publicAuditRecordSchema),
        contentType: 'application/json',
        headers: { 'Content-Disposition': 'attachment; filename="audit-log.csv" or "audit-log.json"' },
      },
    },
    errors: [400, 403],
    calls: [AuditRpc.export.subject],
  },
];
