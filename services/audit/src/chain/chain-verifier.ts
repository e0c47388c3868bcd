import { type RpcReplyInput, type AuditRpc } from '@dv/contracts';
import { type LogStore } from '../store/log-store';
import { type ChainPoint, chainBase, readHead } from './chain-head';
import { type FirstBad, checkLink, checkText } from './record-check';
import { type ChainAnchor, checkTail, recordPointAt } from './tail-check';

export type VerifyReply = RpcReplyInput<typeof AuditRpc.verify>;

/**
 * Recomputes the chain over [fromSeq, toSeq] in seq order and names the first record that was
 * changed (content or hash does not match), removed (a gap, or the end short of the recorded head)
 * or inserted (a seq the chain never gave). Checked from the archive checkpoint (or genesis) when
 * the range starts at the beginning, else from the stored record before the range. The head marker,
 * and `streamHead` (the last record on DV_AUDIT, when the caller asked to anchor on it) are points
 * the chain is known to have reached, with their hashes: the stored chain must still hold them.
 * Reads the range segment by segment (a page, one document, at a time), the next while this one is checked.
 */
export async function verifyChain(
  log: LogStore,
  range: { fromSeq?: number | undefined; toSeq?: number | undefined },
  streamHead?: ChainPoint,
): Promise<VerifyReply> {
  const base = await chainBase(log.c);
  const headDoc = await log.c.chain.findOne({ _id: 'head' });
  const end = await readHead(log);
  const knownHead = Math.max(headDoc?.seq ?? 0, end.seq, base.seq, streamHead?.seq ?? 0);
  const anchors: ChainAnchor[] = [];
  if (headDoc && typeof headDoc.hash === 'string') anchors.push({ seq: headDoc.seq, hash: headDoc.hash, source: 'head marker' });
  if (streamHead) anchors.push({ ...streamHead, source: 'DV_AUDIT' });
  const fromSeq = Math.max(range.fromSeq ?? base.seq + 1, base.seq + 1);
  const toSeq = range.toSeq ?? knownHead;
  const reply = (checked: number, firstBad?: FirstBad): VerifyReply => ({
    ok: firstBad === undefined,
    checked,
    fromSeq,
    toSeq,
    base,
    ...(firstBad ? { firstBad } : {}),
  });

  let prev: ChainPoint | undefined = fromSeq === base.seq + 1 ? base : await recordPointAt(log, fromSeq - 1);
  let checked = 0;
  walk: for await (const segment of log.segments(fromSeq, toSeq)) {
    for (let k = 0; k < segment.texts.length; k++) {
      const text = segment.texts[k] as string;
      const position = segment.first + k;
      const result = checkText(text);
      const seq = result.record?.seq;
      // Strictly above the previous seq: a record squeezed in between two seqs (5.5) is checked too.
      if (typeof seq === 'number' && seq <= fromSeq - 1) continue;
      if (typeof seq === 'number' && seq > toSeq) break walk;
      if (result.record === undefined && position < fromSeq) continue;
      const bad = checkLink(result, position, prev);
      if (bad) return reply(checked, bad);
      prev = { seq: result.record?.seq ?? position, hash: result.record?.hash ?? '' };
      checked++;
    }
  }
  if ((prev?.seq ?? fromSeq - 1) < toSeq && toSeq <= knownHead) {
    const missing = (prev?.seq ?? fromSeq - 1) + 1;
    const by = streamHead && streamHead.seq === knownHead ? 'DV_AUDIT' : 'its head marker';
    return reply(checked, {
      seq: missing,
      problem: 'removed',
      message: `records ${missing}..${toSeq} are missing (the chain had reached ${knownHead}, says ${by})`,
    });
  }
  // Every record in range links; do the anchors in range still match (a tail rewritten whole, hashes and all)?
  const tail = await checkTail(
    log,
    anchors.filter((a) => a.seq >= fromSeq && a.seq <= toSeq),
    end.seq,
  );
  if (tail) return reply(checked, tail);
  return reply(checked);
}
