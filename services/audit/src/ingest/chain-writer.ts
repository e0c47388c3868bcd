import { type AuditRecord } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import { isDuplicateKeyError } from '@dv/persistence';
import { type ChainPoint, readHead } from '../chain/chain-head';
import { recordHash } from '../chain/record-hash';
import { type AuditCollections, type AuditRecordDoc } from '../records/audit-record.model';
import { type AuditDraft } from './event-to-record';

export interface SealedBatch {
  /** The drafts now sealed, in chain order, with what they became. */
  sealed: { draft: AuditDraft; record: AuditRecord }[];
  /** Drafts whose event was already recorded (a redelivery or a re-publish). */
  duplicates: AuditDraft[];
}

/**
 * The one serial writer of the chain. A batch of drafts gets consecutive seqs after the head, each
 * linked to its predecessor's hash, and is inserted with one ordered insertMany. `_id` = event id
 * and a unique `seq` mean a redelivered event cannot be stored twice and another writer (a second
 * replica, or this one before a restart) cannot fork the chain: on a duplicate key the writer finds
 * which events are already recorded, re-reads the head and seals the rest again.
 */
export class ChainWriter {
  private readonly logger = new Logger('ChainWriter');
  private head: ChainPoint | undefined;
  private savedHeadSeq = 0;

  constructor(private readonly c: AuditCollections) {}

  async init(): Promise<ChainPoint> {
    this.head = await readHead(this.c);
    const head = this.head;
    await this.c.chain.updateOne({ _id: 'head' }, { $setOnInsert: { seq: head.seq, hash: head.hash } }, { upsert: true });
    return head;
  }

  currentHead(): ChainPoint | undefined {
    return this.head;
  }

  /**
   * Records the head (a lower bound of it: the write is off the sealing path, by a timer), so that
   * verify notices records removed from the end of the chain.
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
  async write(drafts: readonly AuditDraft[], maybeRecorded: ReadonlySet<string>): Promise<SealedBatch> {
    const duplicates: AuditDraft[] = [];
    const seen = new Set<string>();
    let pending: AuditDraft[] = [];
    for (const d of drafts) {
      if (seen.has(d.id)) duplicates.push(d);
      else {
        seen.add(d.id);
        pending.push(d);
      }
    }
    const suspects = pending.filter((d) => maybeRecorded.has(d.id)).map((d) => d.id);
    if (suspects.length > 0) pending = await this.dropRecorded(pending, suspects, duplicates);

    const sealed: SealedBatch['sealed'] = [];
    for (let attempt = 0; pending.length > 0; attempt++) {
      this.head ??= await readHead(this.c);
      const batch = this.seal(pending, this.head);
      try {
        await this.c.records.insertMany(
          batch.map((b) => b.doc),
          { ordered: true },
        );
        sealed.push(...batch.map(({ draft, record }) => ({ draft, record })));
        const last = batch[batch.length - 1]?.record;
        if (last) this.head = { seq: last.seq, hash: last.hash };
        pending = [];
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt > 50) throw error;
        // Part of the batch may be in (ordered: up to the conflict). Which of ours are recorded now,
        // by us or by someone else, and where is the head?
        const ids = pending.map((d) => d.id);
        const stored = new Map((await this.c.records.find({ _id: { $in: ids } }, { projection: { _id: 1, seq: 1, hash: 1 } }).toArray()).map((d) => [d._id, d]));
        for (const b of batch) {
          const doc = stored.get(b.draft.id);
          if (doc && doc.seq === b.record.seq && doc.hash === b.record.hash) sealed.push({ draft: b.draft, record: b.record });
          else if (doc) duplicates.push(b.draft);
        }
        pending = pending.filter((d) => !stored.has(d.id));
        this.head = await readHead(this.c);
        this.logger.warn(`chain conflict at seq ${batch[0]?.record.seq ?? '?'}: ${stored.size} of ${ids.length} events are recorded; head is now ${this.head.seq}`);
      }
    }
    sealed.sort((a, b) => a.record.seq - b.record.seq);
    return { sealed, duplicates };
  }

  private async dropRecorded(pending: AuditDraft[], ids: string[], duplicates: AuditDraft[]): Promise<AuditDraft[]> {
    const found = new Set((await this.c.records.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    return pending.filter((d) => {
      if (!found.has(d.id)) return true;
      duplicates.push(d);
      return false;
    });
  }

  private seal(drafts: readonly AuditDraft[], head: ChainPoint): { draft: AuditDraft; record: AuditRecord; doc: AuditRecordDoc }[] {
    const recordedAt = new Date().toISOString();
    let prev = head;
    return drafts.map((draft) => {
      const { detailsJson, ...fields } = draft;
      const unhashed = { ...fields, seq: prev.seq + 1, recordedAt, prevHash: prev.hash };
      const record: AuditRecord = { ...unhashed, hash: recordHash(unhashed) };
      prev = { seq: record.seq, hash: record.hash };
      const { id, details: _details, ...rest } = record;
      return { draft, record, doc: { _id: id, detailsJson, ...rest } };
    });
  }
}
