import { AUDIT_MAX_QUERY_LIMIT, AuditRpc, type AuditRecord, type Identity } from '@dv/contracts';
import { Controller, Get, Query, Req } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type RawQuery, parseQuery } from '../../api/parse-query';
import { AUDIT_FIELD_NAMES, auditFilters } from '../../audit/audit-fields';
import { DEFAULT_SAMPLES, auditLogQuerySchema, isEmptyRange } from '../../audit/audit-log-query';
import { type PublicAuditRecord, publicAuditRecord } from '../../audit/public-audit-record';
import { Caller } from '../../auth/request-identity';
import { ServiceCalls } from '../../http/service-calls';

export interface AuditLogPage {
  total: number;
  next?: number;
  audit_logs: PublicAuditRecord[];
}

/**
 * `GET /api/v1/audit/log`: dv.audit.query with the reference's names. `numberOfSamples` goes up to
 * 1000 where the service pages at most 500: a bigger page is two calls, one after the other.
 */
@Controller('api/v1/audit')
export class AuditLogController {
  constructor(private readonly calls: ServiceCalls) {}

  @Get('log')
  async log(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest): Promise<AuditLogPage> {
    const q = parseQuery(auditLogQuerySchema, query);
    if (isEmptyRange(q)) {
      // Nothing to query, but only for readers of the log: the head asks the service's rule.
      await this.calls.call(AuditRpc.head, {}, caller, request);
      return { total: 0, audit_logs: [] };
    }
    const base = {
      from: q.start,
      to: q.end,
      filterBy: auditFilters(q.filterBy),
      ...(q.search === undefined ? {} : { search: q.search }),
      ...(q.sortBy === undefined ? {} : { sortBy: AUDIT_FIELD_NAMES[q.sortBy] }),
      ...(q.sortOrder === undefined ? {} : { sortOrder: q.sortOrder }),
    };
    const offset = q.offset ?? 0;
    const wanted = q.numberOfSamples ?? DEFAULT_SAMPLES;
    const records: AuditRecord[] = [];
    let total = 0;
    while (records.length < wanted) {
      const limit = Math.min(wanted - records.length, AUDIT_MAX_QUERY_LIMIT);
      const page = await this.calls.call(AuditRpc.query, { ...base, offset: offset + records.length, limit }, caller, request);
      total = page.totalRecords;
      records.push(...page.records);
      if (page.records.length < limit) break;
    }
    const end = offset + records.length;
    return { total, ...(end < total ? { next: end } : {}), audit_logs: records.map(publicAuditRecord) };
  }
}
