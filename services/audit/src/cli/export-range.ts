import { AuditRpc, type IdentityInput } from '@dv/contracts';
import { type RpcClient } from '@dv/messaging';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

export interface ExportRangeOptions {
  from: string;
  to: string;
  format: 'jsonl' | 'csv';
  /** Written chunk by chunk: the whole range never sits in memory. */
  file: string;
  identity: IdentityInput;
  chunkRecords?: number;
}

/** Writes a whole range of the audit log to a file, following the export cursor until the end. */
export async function exportRange(client: RpcClient, options: ExportRangeOptions): Promise<{ records: number; chunks: number }> {
  const out = createWriteStream(options.file, { flags: 'w' });
  let cursor: string | undefined;
  let records = 0;
  let chunks = 0;
  try {
    for (;;) {
      const reply = await client.call(
        AuditRpc.export,
        { from: options.from, to: options.to, format: options.format, maxRecords: options.chunkRecords ?? 2000, ...(cursor !== undefined ? { cursor } : {}) },
        { identity: options.identity, timeoutMs: 60_000 },
      );
      if (!out.write(reply.chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      records += reply.records;
      chunks++;
      if (reply.nextCursor === null) break;
      cursor = reply.nextCursor;
    }
  } finally {
    out.end();
    await finished(out);
  }
  return { records, chunks };
}
