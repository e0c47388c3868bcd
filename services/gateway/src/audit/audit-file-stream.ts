import { type AuditRecord, type AuditRpc, type RpcReply, auditRecordSchema } from '@dv/contracts';
import { type AuditFileFormat } from './audit-file-format';
import { publicAuditRecord } from './public-audit-record';

export type ExportChunk = RpcReply<typeof AuditRpc.export>;

function recordsOf(jsonLines: string): AuditRecord[] {
  return jsonLines
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => auditRecordSchema.parse(JSON.parse(line)));
}

/**
 * The file, piece by piece: one export chunk at a time, the next asked only when the reader has taken
 * this one (a Readable pulls), so a range of any size passes through without being held.
 */
export async function* auditFileText(first: ExportChunk, next: (cursor: string) => Promise<ExportChunk>, format: AuditFileFormat): AsyncGenerator<string> {
  yield format.start;
  let written = 0;
  let chunk = first;
  for (;;) {
    let text = '';
    for (const record of recordsOf(chunk.chunk)) text += format.record(publicAuditRecord(record), written++ === 0);
    if (text !== '') yield text;
    if (chunk.nextCursor === null) break;
    chunk = await next(chunk.nextCursor);
  }
  yield format.end;
}
