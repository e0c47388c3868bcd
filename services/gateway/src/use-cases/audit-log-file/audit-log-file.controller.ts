import { AuditRpc, type Identity } from '@dv/contracts';
import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { type RawQuery, parseQuery } from '../../api/parse-query';
import { auditFilters } from '../../audit/audit-fields';
import { AUDIT_FILE_FORMATS } from '../../audit/audit-file-format';
import { type ExportChunk, auditFileText } from '../../audit/audit-file-stream';
import { auditLogFileQuerySchema, isEmptyRange } from '../../audit/audit-log-query';
import { Caller } from '../../auth/request-identity';
import { GATEWAY_CONFIG, type GatewayConfig } from '../../config/gateway-config';
import { ServiceCalls } from '../../http/service-calls';

/**
 * `GET /api/v1/audit/log/file?file_type=CSV|JSON`: the range streamed as an attachment, following
 * dv.audit.export's cursor chunk by chunk. The first chunk is asked before anything is sent, so a bad
 * request or a refusal is a proper error answer; a failure later can only cut the download short.
 */
@Controller('api/v1/audit')
export class AuditLogFileController {
  constructor(
    private readonly calls: ServiceCalls,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get('log/file')
  async file(@Query() query: RawQuery, @Caller() caller: Identity, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const q = parseQuery(auditLogFileQuerySchema, query);
    const base = {
      from: q.start,
      to: q.end,
      format: 'jsonl' as const,
      maxRecords: this.config.GATEWAY_AUDIT_EXPORT_CHUNK_RECORDS,
      filterBy: auditFilters(q.filterBy),
      ...(q.search === undefined ? {} : { search: q.search }),
    };
    let first: ExportChunk;
    if (isEmptyRange(q)) {
      // An empty file, but only for readers of the log: the head asks the service's rule.
      await this.calls.call(AuditRpc.head, {}, caller, request);
      first = { chunk: '', records: 0, nextCursor: null };
    } else {
      first = await this.calls.call(AuditRpc.export, base, caller, request);
    }
    const format = AUDIT_FILE_FORMATS[q.file_type];
    const next = (cursor: string) => this.calls.call(AuditRpc.export, { ...base, cursor }, caller, request);
    await reply
      .header('content-type', format.contentType)
      .header('content-disposition', `attachment; filename="audit-log.${format.extension}"`)
      .send(Readable.from(auditFileText(first, next, format)));
  }
}
