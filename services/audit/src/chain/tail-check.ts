import { type AuditCollections } from '../records/audit-record.model';
import { type ChainPoint, chainBase } from './chain-head';

/** A point the chain is known to have reached, kept outside the records themselves. */
export interface ChainAnchor extends ChainPoint {
  /** Where it was read: the head marker in the database, or the last record sealed on DV_AUDIT. */
  readonly source: 'head marker' | 'DV_AUDIT';
}

export interface TailProblem {
  seq: number;
  problem: 'removed' | 'changed';
  message: string;
}

/**
 * Does the stored chain still hold every anchor? A record at or below an anchor's seq that is missing
 * means the tail was cut (records removed while nobody watched); one with another hash means the
 * chain was rewritten up to there. Records beyond the anchors are not judged here (verify walks them).
 */
export async function checkTail(c: AuditCollections, anchors: readonly (ChainAnchor | undefined)[]): Promise<TailProblem | undefined> {
  const base = await chainBase(c);
  const [last] = await c.records.find({}, { projection: { seq: 1 } }).sort({ seq: -1 }).limit(1).toArray();
  const end = Math.max(last?.seq ?? 0, base.seq);
  for (const anchor of anchors) {
    if (!anchor || anchor.seq <= 0) continue;
    if (anchor.seq < base.seq) continue;
    if (anchor.seq === base.seq) {
      if (anchor.hash !== base.hash) return { seq: anchor.seq, problem: 'changed', message: `the ${anchor.source} has seq ${anchor.seq} with hash ${anchor.hash}, the archive checkpoint another hash` };
      continue;
    }
    const doc = await c.records.findOne({ seq: anchor.seq }, { projection: { seq: 1, hash: 1 } });
    if (!doc) {
      const missing = Math.min(end, anchor.seq - 1) + 1;
      return {
        seq: missing,
        problem: 'removed',
        message: `the chain in the database ends at seq ${end}, but the ${anchor.source} says it reached seq ${anchor.seq}: records ${missing}..${anchor.seq} were removed`,
      };
    }
    if (doc.hash !== anchor.hash) {
      return { seq: anchor.seq, problem: 'changed', message: `record ${anchor.seq} is not the record the ${anchor.source} holds (hash ${anchor.hash}): the chain was rewritten up to there` };
    }
  }
  return undefined;
}
