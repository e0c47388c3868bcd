import { Logger } from '@nestjs/common';
import { isDuplicateKeyError } from '@dv/persistence';
import { type ChainPoint, readHead } from '../chain/chain-head';
import { type DraftText, renderDraftText, sealedMessage, sealedText, sha256Hex } from '../chain/record-text';
import { type ChainAnchor, type TailProblem, checkTail } from '../chain/tail-check';
import { type AuditCollections, type AuditRecordDoc } from '../records/audit-record.model';
import { type AuditDraft } from './event-to-record';

/** An event ready for the chain: its draft, its part of the canonical text, and its document to be. */
export interface PreparedDraft {
  readonly draft: AuditDraft;
  readonly text: DraftText;
  /** Everything but the chain's members, which sealing fills in (the same object each time it is sealed). */
  readonly doc: AuditRecordDoc;
}

/**
 * Does, when the event arrives, all the work of sealing that does not depend on the event's place in
 * the chain: the batch in flight is being inserted meanwhile, and sealing the next one is then
 * only a few assignments, a concatenation and a hash per record.
 */
export function prepareDraft(draft: AuditDraft): PreparedDraft {
  const { details: _details, detailsJson, ...fields } = draft;
  const { id, ...docFields } = fields;
  // The chain's members are there from the start (one object shape), and set when sealed.
  const doc: AuditRecordDoc = { _id: id, ...docFields, detailsJson, seq: 0, recordedAt: '', prevHash: '', hash: '' };
  return { draft, text: renderDraftText(fields, detailsJson), doc };
}

/** A record as sealed: its place, its hash, and its text for DV_AUDIT (see sealedMessage). */
export interface SealedRecord {
  readonly seq: number;
  readonly hash: string;
  readonly message: string;
}

export interface SealedBatch<I extends PreparedDraft> {
  /** The items now sealed, in chain order, with what they became. */
  sealed: { item: I; record: SealedRecord }[];
  /** Items whose event was already recorded (a redelivery or a re-publish). */
  duplicates: I[];
  /** Items the database refused for themselves (twice, so not a passing fault): the reason for each. */
  refused: { item: I; reason: string }[];
}

/** A write error of one document of an insertMany (the driver's MongoBulkWriteError carries them). */
interface WriteErrorLike {
  index: number;
  code?: number;
  errmsg?: string;
}

function firstWriteError(error: unknown): WriteErrorLike | undefined {
  if (typeof error !== 'object' || error === null || !('writeErrors' in error)) return undefined;
  const raw = (error as { writeErrors: unknown }).writeErrors;
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  const first = list[0];
  if (typeof first !== 'object' || first === null || typeof (first as { index?: unknown }).index !== 'number') return undefined;
  return first as WriteErrorLike;
}

/**
 * The one serial writer of the chain. A batch of drafts gets consecutive seqs after the head, each
 * linked to its predecessor's hash, and is inserted with one ordered insertMany. `_id` = event id
 * and a unique `seq` mean a redelivered event cannot be stored twice and another writer (a second
 * replica, or this one before a restart) cannot fork the chain: on a duplicate key the writer finds
 * which events are already recorded, re-reads the head and seals the rest again.
 *
 * It starts only on a chain whose tail matches what was known of it (the head marker, the last
 * record on DV_AUDIT): a tail cut while the service was down would otherwise be extended with reused
 * seqs and go unnoticed.
 */
export class ChainWriter {
  private readonly logger = new Logger('ChainWriter');
  private head: ChainPoint | undefined;
  private savedHeadSeq = 0;
  private problem: TailProblem | undefined;
  /** Events whose document the database refused once: a second refusal makes it the event's fault. */
  private readonly refusedOnce = new Set<string>();

  constructor(private readonly c: AuditCollections) {}

  /**
   * Reads the head and checks the tail against the head marker and `streamHead` (the last record on
   * DV_AUDIT). A problem leaves the writer refusing to write (the caller reports not ready).
   */
  async init(streamHead?: ChainPoint): Promise<{ head: ChainPoint; problem?: TailProblem }> {
    const head = await readHead(this.c);
    const marker = await this.c.chain.findOne({ _id: 'head' });
    const anchors: ChainAnchor[] = [];
    if (marker && typeof marker.hash === 'string') anchors.push({ seq: marker.seq, hash: marker.hash, source: 'head marker' });
    if (streamHead) anchors.push({ ...streamHead, source: 'DV_AUDIT' });
    this.problem = await checkTail(this.c, anchors);
    if (this.problem) return { head, problem: this.problem };
    this.head = head;
    await this.c.chain.updateOne({ _id: 'head' }, { $setOnInsert: { seq: head.seq, hash: head.hash } }, { upsert: true });
    this.savedHeadSeq = Math.max(marker?.seq ?? head.seq, this.savedHeadSeq);
    return { head };
  }

  currentHead(): ChainPoint | undefined {
    return this.head;
  }

  tailProblem(): TailProblem | undefined {
    return this.problem;
  }

  /**
   * Records the head (a lower bound of it: the write is off the sealing path, by a timer), so that
   * verify and the next start notice records removed from the end of the chain.
   */
  async saveHead(): Promise<void> {
    const head = this.head;
    if (!head || head.seq <= this.savedHeadSeq) return;
    await this.c.chain.updateOne({ _id: 'head', seq: { $lt: head.seq } }, { $set: { seq: head.seq, hash: head.hash } });
    this.savedHeadSeq = head.seq;
  }

  /**
   * Seals and stores a batch. `maybeRecorded` says which drafts may already be in the log (a
   * redelivery): those are looked up first, so the common case costs one insert and no read.
   */
  async write<I extends PreparedDraft>(items: readonly I[], maybeRecorded: ReadonlySet<string>): Promise<SealedBatch<I>> {
    if (this.problem) throw new Error(`the chain's tail does not match what was known of it: ${this.problem.message}`);
    const result: SealedBatch<I> = { sealed: [], duplicates: [], refused: [] };
    const seen = new Set<string>();
    let pending: I[] = [];
    for (const item of items) {
      if (seen.has(item.draft.id)) result.duplicates.push(item);
      else {
        seen.add(item.draft.id);
        pending.push(item);
      }
    }
    const suspects = pending.filter((i) => maybeRecorded.has(i.draft.id)).map((i) => i.draft.id);
    if (suspects.length > 0) pending = await this.dropRecorded(pending, suspects, result.duplicates);

    for (let attempt = 0; pending.length > 0; attempt++) {
      this.head ??= await readHead(this.c);
      const batch = this.seal(pending, this.head);
      try {
        await this.c.records.insertMany(
          batch.map((b) => b.doc),
          { ordered: true },
        );
        for (const { item, record } of batch) result.sealed.push({ item, record });
        const last = batch[batch.length - 1]?.record;
        if (last) this.head = { seq: last.seq, hash: last.hash };
        for (const { item } of batch) this.refusedOnce.delete(item.draft.id);
        pending = [];
      } catch (error) {
        const writeError = firstWriteError(error);
        if ((!isDuplicateKeyError(error) && !writeError) || attempt > 50) throw error;
        // Part of the batch may be in (ordered: up to the failure). Which of ours are recorded now,
        // by us or by someone else, and where is the head?
        const ids = pending.map((i) => i.draft.id);
        const stored = new Map((await this.c.records.find({ _id: { $in: ids } }, { projection: { _id: 1, seq: 1, hash: 1 } }).toArray()).map((d) => [d._id, d]));
        for (const b of batch) {
          const doc = stored.get(b.item.draft.id);
          if (doc && doc.seq === b.record.seq && doc.hash === b.record.hash) result.sealed.push({ item: b.item, record: b.record });
          else if (doc) result.duplicates.push(b.item);
        }
        pending = pending.filter((i) => !stored.has(i.draft.id));
        const culprit = writeError && !isDuplicateKeyError(writeError) ? batch[writeError.index]?.item : undefined;
        if (culprit && !stored.has(culprit.draft.id)) {
          const reason = `the database refused the record: ${writeError?.errmsg ?? String(error)}`;
          if (this.refusedOnce.has(culprit.draft.id)) {
            this.refusedOnce.delete(culprit.draft.id);
            result.refused.push({ item: culprit, reason });
            pending = pending.filter((i) => i !== culprit);
          } else {
            this.refusedOnce.add(culprit.draft.id);
          }
        }
        this.head = await readHead(this.c);
        this.logger.warn(`insert stopped at seq ${batch[0]?.record.seq ?? '?'} (${writeError?.errmsg ?? 'duplicate key'}): ${stored.size} of ${ids.length} events are recorded; head is now ${this.head.seq}`);
      }
    }
    result.sealed.sort((a, b) => a.record.seq - b.record.seq);
    return result;
  }

  private async dropRecorded<I extends PreparedDraft>(pending: I[], ids: string[], duplicates: I[]): Promise<I[]> {
    const found = new Set((await this.c.records.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    return pending.filter((i) => {
      if (!found.has(i.draft.id)) return true;
      duplicates.push(i);
      return false;
    });
  }

  private seal<I extends PreparedDraft>(items: readonly I[], head: ChainPoint): { item: I; record: SealedRecord; doc: AuditRecordDoc }[] {
    const recordedAt = new Date().toISOString();
    let prev = head;
    return items.map((item) => {
      const seq = prev.seq + 1;
      const text = sealedText(item.text, seq, recordedAt, prev.hash);
      const hash = sha256Hex(text);
      const doc = item.doc;
      doc.seq = seq;
      doc.recordedAt = recordedAt;
      doc.prevHash = prev.hash;
      doc.hash = hash;
      prev = { seq, hash };
      return { item, record: { seq, hash, message: sealedMessage(text, hash) }, doc };
    });
  }
}
