import { type LogStore } from '../store/log-store';
import { type ChainPoint, chainBase } from './chain-head';
import { readRecordPoint } from './record-check';

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

/** The seq and hash of the record stored at `seq`, read by key (its page's segments). */
export async function recordPointAt(log: LogStore, seq: number): Promise<ChainPoint | undefined> {
  const segment = await log.segmentAt(seq);
  const text = segment?.texts[seq - segment.first];
  const point = text === undefined ? undefined : readRecordPoint(text);
  return point && point.seq === seq ? point : undefined;
}

/**
 * Does the stored chain still hold every anchor? A record at or below an anchor's seq that is missing
 * means the tail was cut (records removed while nobody watched); one with another hash means the
 * chain was rewritten up to there. `end` is where the stored chain ends. Records beyond the anchors
 * are not judged here (verify walks them). Point reads only: the anchors' own records.
 */
export async function checkTail(log: LogStore, anchors: readonly (ChainAnchor | undefined)[], end: number): Promise<TailProblem | undefined> {
  const base = await chainBase(log.c);
  for (const anchor of anchors) {
    if (!anchor || anchor.seq <= 0) continue;
    if (anchor.seq < base.seq) continue;
    if (anchor.seq === base.seq) {
      if (anchor.hash !== base.hash)
        return {
          seq: anchor.seq,
          problem: 'changed',
          message: `the ${anchor.source} has seq ${anchor.seq} with hash ${anchor.hash}, the archive checkpoint another hash`,
        };
      continue;
    }
    const point = await recordPointAt(log, anchor.seq);
    if (!point) {
      const missing = Math.min(end, anchor.seq - 1) + 1;
      return {
        seq: missing,
        problem: 'removed',
        message: `the chain in the database ends at seq ${end}, but the ${anchor.source} says it reached seq ${anchor.seq}: records ${missing}..${anchor.seq} were removed`,
      };
    }
    if (point.hash !== anchor.hash) {
      return {
        seq: anchor.seq,
        problem: 'changed',
        message: `record ${anchor.seq} is not the record the ${anchor.source} holds (hash ${anchor.hash}): the chain was rewritten up to there`,
      };
    }
  }
  return undefined;
}
