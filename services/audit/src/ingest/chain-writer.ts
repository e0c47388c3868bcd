import { Logger } from '@nestjs/common';
import { isDuplicateKeyError } from '@dv/persistence';
import { type ChainPoint, chainBase, readHead } from '../chain/chain-head';
import { type DraftText, renderDraftText, sealedMessage, sealedText, sha256Hex } from '../chain/record-text';
import { type ChainAnchor, type TailProblem, checkTail, recordPointAt } from '../chain/tail-check';
import { type AuditStore } from '../store/audit-store';
import { PAGE_SIZE, pageEnd, pageStart } from '../store/log-layout';
import { type Posting } from '../store/posting-index';
import { eventTime, recordKeys } from '../store/record-keys';
import { type EventKeyDoc, parseRecordText } from '../records/audit-record.model';
import { bulkSpread, insertSpread } from '../store/spread-writes';
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

/** The entries of sealed records in the posting lists (time and indexed fields). */
export function postingsOf(records: readonly { seq: number; message: string }[]): Posting[] {
  const out: Posting[] = [];
  for (const r of records) {
    const record = parseRecordText(r.message);
    const time = eventTime(record);
    out.push({ seq: r.seq, time: time ?? NaN, keys: recordKeys(record) });
  }
  return out;
}

/**
 * The one serial writer of the chain (decision 0014). A batch gets consecutive seqs after the head,
 * each linked to its predecessor's hash. Then, in this order:
 * 1. its event ids are claimed (one insert of a key per event, `_id` = event id): an event recorded
 *    before (a redelivery, a re-publish) answers with a conflict and is dropped, unless the key is
 *    an orphan of a crash (the record it names is not that event) and is taken over;
 * 2. the records are stored, one segment per page touched (one ordered insert; `_id` = first seq, so
 *    a second writer, or this one before a restart, cannot fork the chain: a conflict re-reads the
 *    head and seals the rest again);
 * 3. they are entered in the posting lists, and the `index` marker moves to the batch's end (a crash
 *    before it: the next start enters that batch again);
 * 4. a page made full is merged into one document.
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

  constructor(private readonly store: AuditStore) {}

  private get c() {
    return this.store.c;
  }

  /**
   * Reads the head (from the head marker, by key) and checks the tail against the head marker and
   * `streamHead` (the last record on DV_AUDIT); then enters in the posting lists a batch a crash
   * left out, and merges a full page a crash left unmerged. A problem leaves the writer refusing to
   * write (the caller reports not ready). No scan: a few point reads whatever the log's size.
   */
  async init(streamHead?: ChainPoint): Promise<{ head: ChainPoint; problem?: TailProblem }> {
    const head = await readHead(this.store.log);
    const marker = await this.c.chain.findOne({ _id: 'head' });
    const anchors: ChainAnchor[] = [];
    if (marker && typeof marker.hash === 'string') anchors.push({ seq: marker.seq, hash: marker.hash, source: 'head marker' });
    if (streamHead) anchors.push({ ...streamHead, source: 'DV_AUDIT' });
    this.problem = await checkTail(this.store.log, anchors, head.seq);
    if (this.problem) return { head, problem: this.problem };
    this.head = head;
    await this.c.chain.updateOne({ _id: 'head' }, { $setOnInsert: { seq: head.seq, hash: head.hash } }, { upsert: true });
    this.savedHeadSeq = Math.max(marker?.seq ?? head.seq, this.savedHeadSeq);
    await this.catchUpIndex(head.seq);
    if (head.seq >= PAGE_SIZE) await this.store.exclusive(() => this.store.log.mergePage(pageStart(pageStart(head.seq) - 1)));
    return { head };
  }

  /** Enters the records after the `index` marker (at most the batch a crash interrupted) in their lists. */
  private async catchUpIndex(headSeq: number): Promise<void> {
    const base = await chainBase(this.c);
    const indexed = Math.max((await this.c.chain.findOne({ _id: 'index' }))?.seq ?? base.seq, base.seq);
    if (indexed >= headSeq) return;
    const records: { seq: number; message: string }[] = [];
    for await (const s of this.store.log.segments(indexed + 1, headSeq)) {
      s.texts.forEach((message, k) => {
        const seq = s.first + k;
        if (seq > indexed && seq <= headSeq) records.push({ seq, message });
      });
    }
    const postings = postingsOf(records);
    await this.store.exclusive(async () => {
      // Entered in part before the crash: those entries go first, then the batch is entered whole.
      await this.store.index.rewrite(
        postings.flatMap((p) => p.keys),
        (seq) => seq <= indexed,
      );
      await this.store.index.post(postings);
    });
    await this.c.chain.updateOne({ _id: 'index' }, { $set: { seq: headSeq } }, { upsert: true });
    this.logger.log(`entered records ${indexed + 1}..${headSeq} in the index (a crash had left them out)`);
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
    const head = this.head;
    if (!head || head.seq <= this.savedHeadSeq) return;
    await this.c.chain.updateOne({ _id: 'head', seq: { $lt: head.seq } }, { $set: { seq: head.seq, hash: head.hash } });
    this.savedHeadSeq = head.seq;
  }

  /** Seals and stores a batch (see the class comment). */
  async write<I extends PreparedDraft>(items: readonly I[]): Promise<SealedBatch<I>> {
    if (this.problem) throw new Error(`the chain's tail does not match what was known of it: ${this.problem.message}`);
    const result: SealedBatch<I> = { sealed: [], duplicates: [], refused: [] };
    const seen = new Set<string>();
    const pending: I[] = [];
    for (const item of items) {
      if (seen.has(item.draft.id)) result.duplicates.push(item);
      else {
        seen.add(item.draft.id);
        pending.push(item);
      }
    }
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
    let keysWritten = false;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 50) throw new Error('the chain moved under this writer 50 times in a row');
      this.head ??= await readHead(this.store.log);
      let batch = this.seal(pending, this.head);
      if (!keysWritten) {
        const recorded = await this.claim(batch);
        keysWritten = true;
        if (recorded.size > 0) {
          for (const b of batch) if (recorded.has(b.item.draft.id)) result.duplicates.push(b.item);
          pending = pending.filter((i) => !recorded.has(i.draft.id));
          if (pending.length === 0) return;
          batch = this.seal(pending, this.head);
          await this.setKeys(batch);
        }
      } else {
        await this.setKeys(batch);
      }
      try {
        await this.store.log.append(batch.map((b) => ({ seq: b.record.seq, text: b.record.message })));
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        // Another writer took these seqs (or some of ours are in: an ordered insert stops at the conflict).
        const mine = await this.storedOfMine(batch);
        const ours = batch.filter((b) => mine.has(b.record.seq));
        await this.afterStored(ours.map((b) => b.record));
        for (const b of ours) result.sealed.push(b);
        pending = pending.filter((i) => !batch.some((b) => b.item === i && mine.has(b.record.seq)));
        this.head = await readHead(this.store.log);
        this.logger.warn(`insert stopped at seq ${batch[0]?.record.seq ?? '?'} (the chain moved): ${mine.size} of ${batch.length} records are ours; head is now ${this.head.seq}`);
        continue;
      }
      const records = batch.map((b) => b.record);
      await this.afterStored(records);
      for (const b of batch) result.sealed.push(b);
      const last = records[records.length - 1];
      if (last) this.head = { seq: last.seq, hash: last.hash };
      pending = [];
    }
  }

  /** Enters stored records in the posting lists, moves the `index` marker, merges the pages they filled. */
  private async afterStored(records: readonly SealedRecord[]): Promise<void> {
    const first = records[0];
    const last = records[records.length - 1];
    if (!first || !last) return;
    const postings = postingsOf(records);
    await this.store.exclusive(async () => {
      await this.store.index.post(postings);
      // Only the first page the batch filled can hold earlier segments (the batch's own are split at pages).
      const end = pageEnd(first.seq);
      if (end <= last.seq && first.seq > end - PAGE_SIZE + 1) await this.store.log.mergePage(end - PAGE_SIZE + 1);
    });
    await this.c.chain.updateOne({ _id: 'index' }, { $set: { seq: last.seq } }, { upsert: true });
  }

  /**
   * Claims the batch's event ids (a key per event: `_id` = event id, `seq`). Returns the events that
   * were recorded before; a key left by a crash (its record is not that event) is taken over.
   */
  private async claim<I extends PreparedDraft>(batch: readonly Sealed<I>[]): Promise<Set<string>> {
    const recorded = new Set<string>();
    const docs = batch.map((b) => ({ _id: b.item.draft.id, seq: b.record.seq }));
    const conflicts = await insertSpread(docs, (d) => this.c.eventIds(d._id));
    if (conflicts.length === 0) return recorded;
    const base = await chainBase(this.c);
    for (const i of conflicts) {
      const doc = docs[i];
      if (!doc) continue;
      const key = await this.c.eventIds(doc._id).findOne({ _id: doc._id });
      if (key && key.seq <= base.seq) {
        recorded.add(doc._id);
        continue;
      }
      const at = key ? await this.store.log.segmentAt(key.seq) : undefined;
      const text = at && key ? at.texts[key.seq - at.first] : undefined;
      let id: string | undefined;
      try {
        id = text === undefined ? undefined : parseRecordText(text).id;
      } catch {
        id = undefined;
      }
      if (id === doc._id) recorded.add(doc._id);
      else await this.c.eventIds(doc._id).replaceOne({ _id: doc._id }, { seq: doc.seq }, { upsert: true });
    }
    return recorded;
  }

  /** Points the batch's event keys at the seqs it was sealed with again (after a reseal). */
  private async setKeys<I extends PreparedDraft>(batch: readonly Sealed<I>[]): Promise<void> {
    if (batch.length === 0) return;
    await bulkSpread<EventKeyDoc>(
      batch.map((b) => ({ id: b.item.draft.id, op: { replaceOne: { filter: { _id: b.item.draft.id }, replacement: { seq: b.record.seq }, upsert: true } } })),
      (id) => this.c.eventIds(id),
    );
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
