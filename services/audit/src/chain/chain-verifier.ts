import { type RpcReplyInput, type AuditRpc } from '@dv/contracts';
import { type AuditCollections, type AuditRecordDoc, toAuditRecord } from '../records/audit-record.model';
import { type ChainPoint, chainBase } from './chain-head';
import { expectedHash } from './record-hash';
import { type ChainAnchor, checkTail } from './tail-check';

export type VerifyReply = RpcReplyInput<typeof AuditRpc.verify>;
type FirstBad = NonNullable<VerifyReply['firstBad']>;

/** The problem a stored record shows against its predecessor, or undefined when it links. */
export function checkLink(doc: AuditRecordDoc, prev: ChainPoint | undefined): FirstBad | undefined {
  if (prev) {
    const expected = prev.seq + 1;
    if (typeof doc.seq !== 'number' || !Number.isInteger(doc.seq) || doc.seq < expected) {
      return { seq: doc.seq, problem: 'inserted', id: doc._id, message: `record ${String(doc._id)} has seq ${String(doc.seq)} where ${expected} was expected: it was not sealed by the chain` };
    }
    if (doc.seq > expected) {
      return { seq: expected, problem: 'removed', message: `records ${expected}${doc.seq - 1 > expected ? `..${doc.seq - 1}` : ''} are missing` };
    }
  }
  let recomputed: string;
  try {
    recomputed = expectedHash(toAuditRecord(doc));
  } catch {
    recomputed = '';
  }
  if (recomputed !== doc.hash) {
    return { seq: doc.seq, problem: 'changed', id: doc._id, message: `record ${doc.seq} does not match its hash: its content was changed` };
  }
  if (prev && doc.prevHash !== prev.hash) {
    // Self-consistent but not what the next record sealed: the predecessor was rewritten, hash and all.
    return { seq: prev.seq, problem: 'changed', message: `record ${prev.seq} is not the record that ${doc.seq} was chained to: it was replaced or rewritten` };
  }
  return undefined;
}

/**
 * Recomputes the chain over [fromSeq, toSeq] in seq order and names the first record that was
 * changed (content or hash does not match), removed (a gap, or the end short of the recorded head)
 * or inserted (a seq the chain never gave). Checked from the archive checkpoint (or genesis) when
 * the range starts at the beginning, else from the stored record before the range. The head marker,
 * and `streamHead` (the last record on DV_AUDIT, when the caller asked to anchor on it) are points
 * the chain is known to have reached, with their hashes: the stored chain must still hold them.
 */
export async function verifyChain(
  c: AuditCollections,
  range: { fromSeq?: number | undefined; toSeq?: number | undefined },
  streamHead?: ChainPoint,
): Promise<VerifyReply> {
  const base = await chainBase(c);
  const headDoc = await c.chain.findOne({ _id: 'head' });
  const [last] = await c.records.find({}, { projection: { seq: 1 } }).sort({ seq: -1 }).limit(1).toArray();
  const knownHead = Math.max(headDoc?.seq ?? 0, last?.seq ?? 0, base.seq, streamHead?.seq ?? 0);
  const anchors: ChainAnchor[] = [];
  if (headDoc && typeof headDoc.hash === 'string') anchors.push({ seq: headDoc.seq, hash: headDoc.hash, source: 'head marker' });
  if (streamHead) anchors.push({ ...streamHead, source: 'DV_AUDIT' });
  const fromSeq = Math.max(range.fromSeq ?? base.seq + 1, base.seq + 1);
  const toSeq = range.toSeq ?? knownHead;
  const reply = (checked: number, firstBad?: FirstBad): VerifyReply => ({ ok: firstBad === undefined, checked, fromSeq, toSeq, base, ...(firstBad ? { firstBad } : {}) });

  let prev: ChainPoint | undefined;
  if (fromSeq === base.seq + 1) prev = base;
  else {
    const before = await c.records.findOne({ seq: fromSeq - 1 });
    if (before) prev = { seq: before.seq, hash: before.hash };
  }
  if (fromSeq === base.seq + 1) {
    const unsequenced = await c.records.findOne({ seq: { $exists: false } });
    if (unsequenced) return reply(0, { seq: 0, problem: 'inserted', id: unsequenced._id, message: `record ${String(unsequenced._id)} has no seq: it was not sealed by the chain` });
  }
  let checked = 0;
  // Strictly above the previous seq: a record squeezed in between two seqs (5.5) is read too.
  const cursor = c.records.find({ seq: { $gt: fromSeq - 1, $lte: toSeq } }).sort({ seq: 1 }).batchSize(2000);
  for await (const doc of cursor) {
    const bad = checkLink(doc, prev);
    if (bad) {
      await cursor.close();
      return reply(checked, bad);
    }
    prev = { seq: doc.seq, hash: doc.hash };
    checked++;
  }
  if ((prev?.seq ?? fromSeq - 1) < toSeq && toSeq <= knownHead) {
    const missing = (prev?.seq ?? fromSeq - 1) + 1;
    const by = streamHead && streamHead.seq === knownHead ? 'DV_AUDIT' : 'its head marker';
    return reply(checked, { seq: missing, problem: 'removed', message: `records ${missing}..${toSeq} are missing (the chain had reached ${knownHead}, says ${by})` });
  }
  // Every record in range links; do the anchors in range still match (a tail rewritten whole, hashes and all)?
  const tail = await checkTail(
    c,
    anchors.filter((a) => a.seq >= fromSeq && a.seq <= toSeq),
  );
  if (tail) return reply(checked, tail);
  return reply(checked);
}
