import { GENESIS_HASH } from '@dv/contracts';
import { type AuditCollections } from '../records/audit-record.model';

export interface ChainPoint {
  seq: number;
  hash: string;
}

/** Where the chain starts: the last archive's checkpoint, or the genesis (seq 0, 64 zeros). */
export async function chainBase(c: AuditCollections): Promise<ChainPoint> {
  const checkpoint = await c.chain.findOne({ _id: 'archive' });
  return checkpoint && typeof checkpoint.hash === 'string' ? { seq: checkpoint.seq, hash: checkpoint.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** The last sealed record (highest seq), or the base when every record was archived or none exists. */
export async function readHead(c: AuditCollections): Promise<ChainPoint> {
  const [last] = await c.records.find({}, { projection: { seq: 1, hash: 1 } }).sort({ seq: -1 }).limit(1).toArray();
  const base = await chainBase(c);
  return last && last.seq > base.seq ? { seq: last.seq, hash: last.hash } : base;
}
