import { Logger } from '@nestjs/common';
import { isDuplicateKeyError } from '@dv/persistence';
import { type ChainPoint, chainBase, readHead } from '../chain/chain-head';
import { type DraftText, renderDraftText, sealedMessage, sealedText, sha256Hex } from '../chain/record-text';
import { type ChainAnchor, type TailProblem, checkTail, recordPointAt } from '../chain/tail-check';
import { type AuditStore } from '../store/audit-store';
import { PAGE_SIZE, pageEnd, pageStart } from '../store/log-layout';
import { parseRecordText } from '../records/audit-record.model';
import { type AuditDraft } from './event-to-record';

/** An event ready for the chain: its draft and its part of the canonical text. */
export interface PreparedDraft {
  readonly draft: AuditDraft;
  readonly text: DraftText;
}

/**
 * Does, when the event arrives, all the work of sealing that does not depend on the event's place in
 * the chain: the batch in flight is being inserted meanwhile, and sealing the next one is then
 * only a concatenation and a hash per record.
 */
export function prepareDraft(draft: AuditDraft): PreparedDraft {
  const { details: _details, detailsJson, ...fields } = draft;
  return { draft, text: renderDraftText(fields, detailsJson) };
}

/** A record as sealed: its place, its hash, and its text (DV_AUDIT's form, and the stored one: see sealedMessage). */
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
  /** Items the database refused for themselves (twice, alone, so not a passing fault): the reason for each. */
  refused: { item: I; reason: string }[];
}

interface Sealed<I> {
  item: I;
  record: SealedRecord;
}

/**
 * The one serial writer of the chain (decisions 0014, 0016). A batch gets consecutive seqs after the
 * head, each linked to its predecessor's hash. Then, in this order:
 * 1. events recorded before (a redelivery, a re-publish) are dropped: the in-memory index knows every
 *    recorded event id (by fingerprint) and its seq, and the record there is read to be sure;
 * 2. the records are stored, one segment per page touched (one ordered insert; `_id` = first seq, so
 *    a second writer, or this one before a restart, cannot fork the chain: a conflict re-reads the
 *    head and seals the rest again);
 * 3. a page made full is merged into one document; the records are entered in the index, and a
 *    group made complete gets its summary (one insert per SEGMENT_TABLE_SEQS records).
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
  private savingHead: Promise<void> | undefined;

  constructor(private readonly store: AuditStore) {}

  private get c() {
    return this.store.c;
  }

  /**
   * Reads the head (from the head marker, by key), checks the tail against the head marker and
   * `streamHead` (the last record on DV_AUDIT), builds the index (from the group summaries and the
   * group still filling), and merges a full page a crash left unmerged. A problem leaves the writer
   * refusing to write (the caller reports not ready); the index is built all the same, for queries.
   */
  async init(streamHead?: ChainPoint): Promise<{ head: ChainPoint; problem?: TailProblem }> {
    const head = await readHead(this.store.log);
    const marker = await this.c.chain.findOne({ _id: 'head' });
    const anchors: ChainAnchor[] = [];
    if (marker && typeof marker.hash === 'string') anchors.push({ seq: marker.seq, hash: marker.hash, source: 'head marker' });
    if (streamHead) anchors.push({ ...streamHead, source: 'DV_AUDIT' });
    this.problem = await checkTail(this.store.log, anchors, head.seq);
    await this.store.loadIndex(await chainBase(this.c), head);
    if (this.problem) return { head, problem: this.problem };
    this.head = head;
    await this.c.chain.updateOne({ _id: 'head' }, { $setOnInsert: { seq: head.seq, hash: head.hash } }, { upsert: true });
    this.savedHeadSeq = Math.max(marker?.seq ?? head.seq, this.savedHeadSeq);
    if (head.seq >= PAGE_SIZE) await this.store.exclusive(() => this.store.log.mergePage(pageStart(pageStart(head.seq) - 1)));
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
   * verify and the next start notice records removed from the end of the chain, and find the end by key.
   */
  async saveHead(): Promise<void> {
    // One save at a time: the store checks the guard, then writes (decision 0012), so a slow save of
    // an older head overlapping a newer one could land last and move the marker back.
    while (this.savingHead) await this.savingHead;
    const head = this.head;
    if (!head || head.seq <= this.savedHeadSeq) return;
    this.savingHead = (async () => {
      await this.c.chain.updateOne({ _id: 'head', seq: { $lt: head.seq } }, { $set: { seq: head.seq, hash: head.hash } });
      this.savedHeadSeq = head.seq;
    })();
    try {
      await this.savingHead;
    } finally {
      this.savingHead = undefined;
    }
  }

  /** Seals and stores a batch (see the class comment). */
  async write<I extends PreparedDraft>(items: readonly I[]): Promise<SealedBatch<I>> {
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
    await this.store.refresh();
    const recorded = await this.recordedBefore(pending);
    for (const item of pending) if (recorded.has(item)) result.duplicates.push(item);
    pending = pending.filter((item) => !recorded.has(item));
    if (pending.length === 0) return result;
    try {
      await this.storeBatch(pending, result);
    } catch (error) {
      if (isDuplicateKeyError(error) || pending.length <= 1) throw error;
      // The database refused the batch for something in it: each event alone, to find which. One
      // refused twice, alone, is refused for itself (a passing fault lets it through the second time).
      for (const item of pending) {
        for (let attempt = 1; ; attempt++) {
          try {
            await this.storeBatch([item], result);
            break;
          } catch (single) {
            if (isDuplicateKeyError(single)) throw single;
            if (attempt < 2) continue;
            result.refused.push({ item, reason: `the database refused the record: ${single instanceof Error ? single.message : String(single)}` });
            break;
          }
        }
      }
    }
    result.sealed.sort((a, b) => a.record.seq - b.record.seq);
    return result;
  }

  private async storeBatch<I extends PreparedDraft>(items: readonly I[], result: SealedBatch<I>): Promise<void> {
    let pending = [...items];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 50) throw new Error('the chain moved under this writer 50 times in a row');
      this.head ??= await readHead(this.store.log);
      const batch = this.seal(pending, this.head);
      try {
        await this.store.log.append(batch.map((b) => ({ seq: b.record.seq, text: b.record.message })));
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Another writer took these seqs (or some of ours are in: an ordered insert stops at the conflict).
        const mine = await this.storedOfMine(batch);
        const ours = batch.filter((b) => mine.has(b.record.seq));
        await this.afterStored(ours);
        for (const b of ours) result.sealed.push(b);
        pending = pending.filter((i) => !batch.some((b) => b.item === i && mine.has(b.record.seq)));
        this.head = await readHead(this.store.log);
        this.logger.warn(
          `insert stopped at seq ${batch[0]?.record.seq ?? '?'} (the chain moved): ${mine.size} of ${batch.length} records are ours; head is now ${this.head.seq}`,
        );
        continue;
      }
      await this.afterStored(batch);
      for (const b of batch) result.sealed.push(b);
      const last = batch[batch.length - 1]?.record;
      if (last) this.head = { seq: last.seq, hash: last.hash };
      pending = [];
    }
  }

  /** Merges the page the records filled (if they filled one), then enters them in the index. */
  private async afterStored<I extends PreparedDraft>(batch: readonly Sealed<I>[]): Promise<void> {
    const first = batch[0]?.record;
    const last = batch[batch.length - 1]?.record;
    if (!first || !last) return;
    await this.store.exclusive(async () => {
      // Only the first page the batch filled can hold earlier segments (the batch's own are split at pages).
      const end = pageEnd(first.seq);
      if (end <= last.seq && first.seq > end - PAGE_SIZE + 1) await this.store.log.mergePage(end - PAGE_SIZE + 1);
    });
    await this.store.indexStored(batch.map((b) => ({ ...b.item.draft, seq: b.record.seq })));
  }

  /** The items whose event is recorded already (the index names a seq; the record there is that event). */
  private async recordedBefore<I extends PreparedDraft>(items: readonly I[]): Promise<Set<I>> {
    const recorded = new Set<I>();
    const candidates: { item: I; seq: number }[] = [];
    for (const item of items) {
      const seq = this.store.index.seqOfEvent(item.draft.id);
      if (seq !== undefined) candidates.push({ item, seq });
    }
    if (candidates.length === 0) return recorded;
    const texts = await this.store.log.readSeqs(candidates.map((c) => c.seq));
    for (const { item, seq } of candidates) {
      const text = texts.get(seq);
      try {
        if (text !== undefined && parseRecordText(text).id === item.draft.id) recorded.add(item);
      } catch {
        // Not a record any more: verify names it; the event is not known to be recorded.
      }
    }
    return recorded;
  }

  /** Which of the batch's seqs hold the batch's own records (after an insert stopped by a conflict). */
  private async storedOfMine<I extends PreparedDraft>(batch: readonly Sealed<I>[]): Promise<Set<number>> {
    const mine = new Set<number>();
    for (const b of batch) {
      const point = await recordPointAt(this.store.log, b.record.seq);
      if (point && point.hash === b.record.hash) mine.add(b.record.seq);
      else break;
    }
    return mine;
  }

  private seal<I extends PreparedDraft>(items: readonly I[], head: ChainPoint): Sealed<I>[] {
    const recordedAt = new Date().toISOString();
    let prev = head;
    return items.map((item) => {
      const seq = prev.seq + 1;
      const text = sealedText(item.text, seq, recordedAt, prev.hash);
      const hash = sha256Hex(text);
      prev = { seq, hash };
      return { item, record: { seq, hash, message: sealedMessage(text, hash) } };
    });
  }
}
