import { AuditRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { ReaderAuthorizer } from '../../access/reader-authorizer';
import { type AuditCollections, toAuditRecord } from '../../records/audit-record.model';
import { AUDIT_COLLECTIONS } from '../../tokens';
import { normalizeTime } from '../query/build-query-filter';
import { csvHeader, csvLine, jsonLine } from './format-records';

/** Replies stay well under NATS's default 1 MiB payload whatever the records hold. */
const MAX_CHUNK_BYTES = 512 * 1024;

/**
 * export: a range in chain order, chunk by chunk (a cursor by seq), as JSON lines or CSV (header in
 * the first chunk). Any range streams: each chunk is one bounded read after the cursor.
 */
@Controller()
export class ExportController {
  constructor(
    @Inject(AUDIT_COLLECTIONS) private readonly c: AuditCollections,
    private readonly authorizer: ReaderAuthorizer,
  ) {}

  @RpcHandler(AuditRpc.export)
  async export(request: RpcRequest<typeof AuditRpc.export>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuditRpc.export>> {
    await this.authorizer.requireReader(ctx.principal, ctx.requestId);
    const after = request.cursor === undefined ? 0 : Number(request.cursor);
    const docs = await this.c.records
      .find({ timestamp: { $gte: normalizeTime(request.from), $lte: normalizeTime(request.to) }, seq: { $gt: after } })
      .sort({ seq: 1 })
      .limit(request.maxRecords + 1)
      .toArray();
    let chunk = request.format === 'csv' && request.cursor === undefined ? csvHeader() : '';
    let records = 0;
    let lastSeq = after;
    for (const doc of docs.slice(0, request.maxRecords)) {
      const line = request.format === 'csv' ? csvLine(toAuditRecord(doc)) : jsonLine(toAuditRecord(doc));
      if (records > 0 && Buffer.byteLength(chunk) + Buffer.byteLength(line) > MAX_CHUNK_BYTES) break;
      chunk += line;
      records++;
      lastSeq = doc.seq;
    }
    const more = records < docs.length;
    return { chunk, records, nextCursor: more ? String(lastSeq) : null };
  }
}
