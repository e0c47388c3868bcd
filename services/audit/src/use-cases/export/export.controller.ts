import { AuditRpc, type RpcReplyInput, type RpcRequest } from '@dv/contracts';
import { type RpcCallContext, RpcHandler } from '@dv/messaging';
import { Controller, Inject } from '@nestjs/common';
import { ReaderAuthorizer } from '../../access/reader-authorizer';
import { parseRecordText } from '../../records/audit-record.model';
import { type AuditStore } from '../../store/audit-store';
import { eventTime } from '../../store/log-index';
import { AUDIT_STORE } from '../../tokens';
import { fieldCondition, normalizeTime, searchCondition } from '../query/record-matcher';
import { csvHeader, csvLine } from './format-records';

/** Replies stay well under NATS's default 1 MiB payload whatever the records hold. */
const MAX_CHUNK_BYTES = 512 * 1024;

/**
 * export: a range in chain order, chunk by chunk (a cursor by seq), as JSON lines or CSV (header in
 * the first chunk). The time range's seq span comes from the index (the pages whose event times meet it); a chunk then reads the
 * store's pages from the cursor on (one document per page), keeping the records of the time range.
 * JSON lines are the stored texts as they are (DV_AUDIT's form).
 */
@Controller()
export class ExportController {
  constructor(
    @Inject(AUDIT_STORE) private readonly store: AuditStore,
    private readonly authorizer: ReaderAuthorizer,
  ) {}

  @RpcHandler(AuditRpc.export)
  async export(request: RpcRequest<typeof AuditRpc.export>, ctx: RpcCallContext): Promise<RpcReplyInput<typeof AuditRpc.export>> {
    await this.authorizer.requireReader(ctx.principal, ctx.requestId);
    const from = Date.parse(normalizeTime(request.from));
    const to = Date.parse(normalizeTime(request.to));
    const after = request.cursor === undefined ? 0 : Number(request.cursor);
    // The query's filters and search, with its semantics (a bad filter value is refused before any read).
    const conditions = request.filterBy.map((item) => fieldCondition(item).test);
    if (request.search !== undefined && request.search !== '') conditions.push(searchCondition(request.search));
    await this.store.refresh();
    const pages = this.store.index.pagesIn(from, to);
    let chunk = request.format === 'csv' && request.cursor === undefined ? csvHeader() : '';
    let bytes = Buffer.byteLength(chunk);
    if (pages.length === 0) return { chunk, records: 0, nextCursor: null };
    const lo = Math.max(after + 1, Math.min(...pages.map((p) => p.first)));
    const hi = Math.max(...pages.map((p) => p.last));
    let records = 0;
    let lastSeq = after;
    let full = false;
    walk: for await (const segment of this.store.log.segments(lo, hi)) {
      for (let k = 0; k < segment.texts.length; k++) {
        const seq = segment.first + k;
        if (seq < lo) continue;
        if (seq > hi) break walk;
        const text = segment.texts[k] as string;
        let line: string;
        try {
          const record = parseRecordText(text);
          const time = eventTime(record);
          if (time === undefined || time < from || time > to || !conditions.every((holds) => holds(record))) {
            lastSeq = seq;
            continue;
          }
          line = request.format === 'csv' ? csvLine(record) : `${text}\n`;
        } catch {
          // Not a record any more (changed in the database): verify names it; an export leaves it out.
          lastSeq = seq;
          continue;
        }
        const size = Buffer.byteLength(line);
        if (records >= request.maxRecords || (records > 0 && bytes + size > MAX_CHUNK_BYTES)) {
          full = true;
          break walk;
        }
        chunk += line;
        bytes += size;
        records++;
        lastSeq = seq;
      }
    }
    return { chunk, records, nextCursor: full && lastSeq < hi ? String(lastSeq) : null };
  }
}
