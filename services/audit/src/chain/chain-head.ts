import { GENESIS_HASH } from '@dv/contracts';
import { type AuditCollections } from '../records/audit-record.model';
import { type LogStore } from '../store/log-store';
import { pageStart } from '../store/log-layout';
import { readRecordPoint } from './record-check';

export interface ChainPoint {
  seq: number;
  hash: string;
}

/** Where the chain starts: the last archive's checkpoint, or the genesis (seq 0, 64 zeros). */
export async function chainBase(c: AuditCollections): Promise<ChainPoint> {
  const checkpoint = await c.chain.findOne({ _id: 'archive' });
  return checkpoint && typeof checkpoint.hash === 'string' ? { seq: checkpoint.seq, hash: checkpoint.hash } : { seq: 0, hash: GENESIS_HASH };
}

/**
 * The last stored record: from the head marker (a lower bound, saved by a timer) forward, segment by
 * segment. Where the marker's own record is gone (a tail cut), the end is looked for page by page
 * below it. A few point reads, whatever the log's size.
 */
export async function readHead(log: LogStore): Promise<ChainPoint> {
  const base = await chainBase(log.c);
  const marker = await log.c.chain.findOne({ _id: 'head' });
  const from = Math.max(base.seq + 1, marker?.seq ?? 0);
  for (let start = from; start > base.seq; start = pageStart(start) - 1) {
    const last = await log.lastSegmentFrom(start);
    const text = last?.texts[last.texts.length - 1];
    if (last && text !== undefined && last.last > base.seq) return readRecordPoint(text) ?? { seq: last.last, hash: '' };
  }
  return base;
}
