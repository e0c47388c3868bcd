import { type AuditCollections, type SegmentDoc } from '../records/audit-record.model';
import { PAGE_SIZE, pageEnd, pageStart, segmentId } from './log-layout';
import { decodeTexts, encodeTexts } from './segment-codec';

/** A segment read back: consecutive records from `first` to `last`, as their stored texts. */
export interface Segment {
  readonly id: string;
  readonly first: number;
  readonly last: number;
  /** As stored: one per record when nobody tampered with them. */
  readonly texts: string[];
  readonly absorbed: readonly string[];
}

/** A record to store: its seq and its text as sealed (DV_AUDIT's form). */
export interface StoredText {
  readonly seq: number;
  readonly text: string;
}

function toSegment(doc: SegmentDoc): Segment {
  return { id: doc._id, first: doc.first, last: doc.last, texts: decodeTexts(doc.z), absorbed: Array.isArray(doc.absorbed) ? doc.absorbed : [] };
}

/** Pages read ahead of a walk (the store answers point reads side by side). */
const READ_AHEAD_PAGES = 6;

const wellFormed = (s: Segment): boolean => Number.isInteger(s.first) && Number.isInteger(s.last) && s.last >= s.first;

/**
 * The records, by seq, read and written by `_id` only (decision 0014): a point read of a segment, a
 * walk from a page's first segment to the one holding a seq, a walk from segment to segment for a
 * range. `reads` counts every document read, the measure the scale test holds queries to.
 */
export class LogStore {
  /** Documents read from the store since start (segments and index documents). */
  reads = 0;

  constructor(readonly c: AuditCollections) {}

  async segment(first: number): Promise<Segment | undefined> {
    this.reads++;
    const doc = await this.c.segments(first).findOne({ _id: segmentId(first) });
    return doc ? toSegment(doc) : undefined;
  }

  /** The segment holding `seq`: from its page's first segment, following each one's end. */
  async segmentAt(seq: number): Promise<Segment | undefined> {
    let next = pageStart(seq);
    for (let hops = 0; hops <= PAGE_SIZE; hops++) {
      const s = await this.segment(next);
      if (!s || !wellFormed(s)) return undefined;
      // A page's first segment starts after the page's first seq once the archive took the page's start.
      if (s.last >= seq) return s;
      next = s.last + 1;
    }
    return undefined;
  }

  /**
   * The segments from the one holding `fromSeq` on, in order, up to the one holding `toSeq`; ends
   * early where the next one is missing. Reads ahead while the caller works: the next segment, and
   * the first segments of the next pages (every page starts with one, keyed by its first seq).
   */
  async *segments(fromSeq: number, toSeq: number): AsyncGenerator<Segment> {
    const ahead = new Map<number, Promise<Segment | undefined>>();
    const get = (first: number): Promise<Segment | undefined> => {
      const p = ahead.get(first) ?? this.segment(first);
      ahead.delete(first);
      return p;
    };
    let current = await this.segmentAt(fromSeq);
    while (current) {
      const done = current.last >= toSeq;
      if (!done) {
        const nextFirst = current.last + 1;
        if (!ahead.has(nextFirst)) ahead.set(nextFirst, this.segment(nextFirst));
        for (let k = 1; k <= READ_AHEAD_PAGES; k++) {
          const start = pageStart(nextFirst) + k * PAGE_SIZE;
          if (start <= toSeq && !ahead.has(start)) ahead.set(start, this.segment(start));
        }
      }
      yield current;
      if (done) break;
      const s = await get(current.last + 1);
      current = s && wellFormed(s) ? s : undefined;
    }
    // What was read ahead and not needed is let go (its errors with it).
    for (const p of ahead.values()) p.catch(() => undefined);
  }

  /** The texts of records by seq (those not found are absent), each page read once. */
  async readSeqs(seqs: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    const byPage = new Map<number, number[]>();
    for (const seq of seqs) {
      const start = pageStart(seq);
      const list = byPage.get(start);
      if (list) list.push(seq);
      else byPage.set(start, [seq]);
    }
    const pages = [...byPage.values()];
    // A few pages at a time: the store answers point reads side by side.
    for (let i = 0; i < pages.length; i += 4) {
      await Promise.all(
        pages.slice(i, i + 4).map(async (wanted) => {
          const min = Math.min(...wanted);
          const max = Math.max(...wanted);
          const want = new Set(wanted);
          for await (const s of this.segments(min, max)) {
            s.texts.forEach((text, k) => {
              if (want.has(s.first + k)) out.set(s.first + k, text);
            });
          }
        }),
      );
    }
    return out;
  }

  /** The last stored segment from the page holding `seq` on (following each end), or undefined when that page has none. */
  async lastSegmentFrom(seq: number): Promise<Segment | undefined> {
    let current = await this.segment(pageStart(seq));
    if (!current || !wellFormed(current)) return undefined;
    for (;;) {
      const next = await this.segment(current.last + 1);
      if (!next || !wellFormed(next)) return current;
      current = next;
    }
  }

  /** Stores a sealed run of records (consecutive seqs): one segment per page it touches, one ordered insert. */
  async append(records: readonly StoredText[]): Promise<void> {
    const docs: SegmentDoc[] = [];
    let i = 0;
    while (i < records.length) {
      const first = records[i]?.seq ?? 0;
      const end = pageEnd(first);
      let j = i;
      while (j < records.length && (records[j]?.seq ?? Infinity) <= end) j++;
      const part = records.slice(i, j);
      docs.push({ _id: segmentId(first), first, last: first + part.length - 1, z: encodeTexts(part.map((r) => r.text)) });
      i = j;
    }
    // In order, table by table (a batch may cross into the next table): an insert stops at the first conflict.
    for (let k = 0; k < docs.length;) {
      const table = this.c.segments(docs[k]?.first ?? 1);
      let j = k;
      while (j < docs.length && this.c.segments(docs[j]?.first ?? 1) === table) j++;
      await table.insertMany(docs.slice(k, j), { ordered: true });
      k = j;
    }
  }

  /**
   * Merges a full page's segments into its first one (one read for the page from then on). The
   * others stay as they were: unreachable, their ids still taken, so no second writer can reuse the seqs.
   * Returns whether it merged.
   */
  async mergePage(start: number): Promise<boolean> {
    const end = start + PAGE_SIZE - 1;
    const parts: Segment[] = [];
    for await (const s of this.segments(start, end)) parts.push(s);
    const first = parts[0];
    const last = parts[parts.length - 1];
    if (!first || !last || parts.length === 1 || last.last !== end) return false;
    const texts = parts.flatMap((p) => p.texts);
    const absorbed = [...first.absorbed, ...parts.slice(1).flatMap((p) => [p.id, ...p.absorbed])];
    await this.c.segments(start).replaceOne({ _id: first.id }, { first: first.first, last: end, z: encodeTexts(texts), absorbed });
    return true;
  }

  /**
   * Removes every record up to `seq` (archived): whole pages go, with the segments they absorbed; the
   * page holding `seq` (when it goes on past it) is rewritten from `seq + 1`, still under its page's id.
   */
  async removeThrough(fromSeq: number, seq: number): Promise<void> {
    for (let start = pageStart(fromSeq); start <= seq; start += PAGE_SIZE) {
      const parts: Segment[] = [];
      for await (const s of this.segments(start, start + PAGE_SIZE - 1)) parts.push(s);
      const ids = parts.flatMap((p) => [p.id, ...p.absorbed]);
      const lastPart = parts[parts.length - 1];
      if (lastPart && lastPart.last > seq) {
        // The page goes on past the checkpoint: its first segment keeps the rest of the page seen so far.
        const first = parts[0] as Segment;
        const kept = parts.flatMap((p) => p.texts.map((text, k) => ({ seq: p.first + k, text }))).filter((r) => r.seq > seq);
        await this.c
          .segments(start)
          .replaceOne({ _id: first.id }, { first: seq + 1, last: lastPart.last, z: encodeTexts(kept.map((r) => r.text)), absorbed: ids.slice(1) });
        return;
      }
      for (const id of ids) await this.c.segments(Number(id.slice(1))).deleteOne({ _id: id });
    }
  }
}
