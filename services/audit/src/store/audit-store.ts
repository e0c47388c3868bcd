import { DvError } from '@dv/contracts';
import { Logger } from '@nestjs/common';
import { isDuplicateKeyError } from '@dv/persistence';
import { type ChainPoint } from '../chain/chain-head';
import { type AuditCollections, SEGMENT_TABLE_SEQS, type SummaryDoc, groupOf, parseRecordText, summaryId } from '../records/audit-record.model';
import { type IndexedRecord, LogIndex, PageStats } from './log-index';
import { LogStore, type Segment } from './log-store';

/**
 * The audit log's storage: the records (LogStore, by `_id` only) and their index (LogIndex, in
 * memory, rebuilt at start from the group summaries: decision 0016). Work that rewrites what another
 * may be rewriting (merging a page, archiving) runs one at a time through `exclusive`.
 */
export class AuditStore {
  private readonly logger = new Logger('AuditStore');
  readonly log: LogStore;
  readonly index = new LogIndex();
  private tail: Promise<unknown> = Promise.resolve();
  private refreshing: Promise<void> | undefined;
  /** Whether the index was built (by the writer's start): before that, queries answer UNAVAILABLE. */
  private indexed = false;

  constructor(readonly c: AuditCollections) {
    this.log = new LogStore(c);
  }

  /** Documents read since start (the honest proxy for the work a request does). */
  get reads(): number {
    return this.log.reads;
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Builds the index from the archive checkpoint `base` to `head`: each complete group from its
   * summary (written again from its records when missing or not matching), then the records of the
   * group still filling. Reads the summaries (one small table) and at most a group's records, plus a
   * group per summary a crash left unwritten.
   */
  async loadIndex(base: ChainPoint, head: ChainPoint): Promise<void> {
    this.index.reset(base.seq);
    const docs = await this.c.summaries.find({}).toArray();
    this.log.reads += docs.length;
    const byGroup = new Map(docs.map((d) => [d.group, d]));
    for (let g = groupOf(base.seq + 1); (g + 1) * SEGMENT_TABLE_SEQS <= head.seq; g++) {
      const doc = byGroup.get(g);
      const first = Math.max(g * SEGMENT_TABLE_SEQS + 1, base.seq + 1);
      if (doc && doc.first === first && doc.last === (g + 1) * SEGMENT_TABLE_SEQS && this.addSummary(doc)) continue;
      if (doc) this.logger.warn(`the summary of group ${g} does not match its records: written again`);
      await this.indexFromStore((g + 1) * SEGMENT_TABLE_SEQS);
      await this.saveSummary(g, { replace: doc !== undefined });
    }
    await this.indexFromStore(head.seq);
    this.indexed = true;
  }

  /** Adds a group's pages from its summary; false (and nothing added) when they are not a whole run after the end. */
  private addSummary(doc: SummaryDoc): boolean {
    const end = this.index.end;
    try {
      if (doc.pages.every((p) => this.index.addPage(PageStats.fromDoc(p))) && this.index.end === doc.last) return true;
    } catch {
      // A summary that does not read back (changed in the database): the group is indexed from its records.
    }
    this.index.truncate(end);
    return false;
  }

  /** Indexes the stored records after the index's end, up to `to` (all of them when undefined). */
  private async indexFromStore(to = Number.MAX_SAFE_INTEGER): Promise<void> {
    if (this.index.end >= to) return;
    for await (const s of this.log.segments(this.index.end + 1, to)) if (!this.indexSegment(s, to)) break;
  }

  private indexSegment(s: Segment, to: number): boolean {
    const records: IndexedRecord[] = [];
    s.texts.forEach((text, k) => {
      const seq = s.first + k;
      if (seq <= this.index.end || seq > to) return;
      try {
        records.push({ ...parseRecordText(text), seq });
      } catch {
        // Not a record any more (changed in the database): indexed as one with no time and no values (verify names it).
        records.push({ seq, id: `#unreadable-${seq}`, timestamp: '' });
      }
    });
    return this.index.add(records);
  }

  /**
   * Indexes what other writers stored after the index's end (a second replica, or a batch this
   * process stored before a conflict): a point read of the segment after the end, usually none.
   */
  refresh(): Promise<void> {
    if (!this.indexed) return Promise.reject(DvError.unavailable('the audit log is being indexed after a start: try again in a few seconds'));
    this.refreshing ??= (async () => {
      try {
        for (;;) {
          const next = await this.log.segment(this.index.end + 1);
          if (!next || !this.indexSegment(next, next.last)) return;
        }
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Indexes records this writer just stored, and writes the summary of every group they complete. */
  async indexStored(records: readonly IndexedRecord[]): Promise<void> {
    const before = this.index.end;
    if (!this.index.add(records)) await this.refresh();
    for (let g = groupOf(before + 1); (g + 1) * SEGMENT_TABLE_SEQS <= this.index.end; g++) {
      if ((g + 1) * SEGMENT_TABLE_SEQS > before) await this.saveSummary(g, { replace: false });
    }
  }

  /** Writes group `g`'s summary from the index (which holds the whole group). */
  async saveSummary(g: number, options: { replace: boolean }): Promise<void> {
    const first = Math.max(g * SEGMENT_TABLE_SEQS + 1, this.index.base + 1);
    const last = (g + 1) * SEGMENT_TABLE_SEQS;
    const pages = this.index.pagesOfSeqs(first, last);
    if (pages[0]?.first !== first || pages[pages.length - 1]?.last !== last) return;
    const doc: SummaryDoc = { _id: summaryId(g), group: g, first, last, pages: pages.map((p) => p.toDoc()) };
    if (options.replace) await this.c.summaries.deleteOne({ _id: doc._id });
    try {
      await this.c.summaries.insertOne(doc);
    } catch (error) {
      // Written already (by the writer before a restart, or a second replica): a summary is derived, the same for both.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** After an archive through `seq`: the index forgets it, the summaries of groups gone are removed, the group cut is summarized again. */
  async afterArchive(seq: number): Promise<void> {
    this.index.removeThrough(seq);
    const cut = groupOf(seq + 1);
    const gone = (await this.c.summaries.find({}).toArray()).filter((d) => d.group < cut || (d.group === cut && d.first <= seq));
    this.log.reads += gone.length;
    for (const d of gone) await this.c.summaries.deleteOne({ _id: d._id });
    await this.indexFromStore();
    if ((cut + 1) * SEGMENT_TABLE_SEQS <= this.index.end) await this.saveSummary(cut, { replace: true });
  }
}
