import { type AuditRecord } from '@dv/contracts';
import { mongo } from 'mongoose';
import { PAGE_SIZE, pageStart } from './log-layout';

/** Fields whose values are counted per page: an `==` on one of them skips the pages that lack the value. */
export const INDEXED_FIELDS = ['entityId', 'subject', 'requestId', 'relatedIds'] as const;
export type IndexedField = (typeof INDEXED_FIELDS)[number];

/** What the index needs of a record. */
export type IndexedRecord = Pick<AuditRecord, 'seq' | 'id' | 'timestamp'> & Partial<Pick<AuditRecord, IndexedField>>;

/**
 * A 52-bit fingerprint of a text (two 32-bit FNV-1a variants, each finished with a murmur mix; 32 +
 * 20 bits, exact in a double). Among the few hundred values of a page, or the event ids of a log of
 * millions, a collision is a one-in-billions event; where one would matter, the record itself is
 * read and checked (a duplicate event, a query's matches), so a collision costs a read, never an answer.
 */
export function fingerprint(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b ^= b >>> 15;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  return (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
}

/** The fingerprint of "`field` is (or, for relatedIds, holds) `value`". */
export const fieldKey = (field: IndexedField, value: string): number => fingerprint(`${field}\u0000${value}`);

/** A record's event time in ms, or undefined when it is no time (the record then matches no time range). */
export function eventTime(record: Pick<AuditRecord, 'timestamp'>): number | undefined {
  const ms = typeof record.timestamp === 'string' ? Date.parse(record.timestamp) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function keysOf(record: IndexedRecord): Set<number> {
  const keys = new Set<number>();
  for (const field of INDEXED_FIELDS) {
    const value: unknown = record[field];
    if (typeof value === 'string') keys.add(fieldKey(field, value));
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') keys.add(fieldKey(field, v));
  }
  return keys;
}

/** A page's summary as stored (see PageStats). */
export interface PageStatsDoc {
  start: number;
  first: number;
  last: number;
  timed: number;
  minT: number;
  maxT: number;
  /** Float64Array of key fingerprints (ascending), and Uint32Array of their record counts. */
  keys: Bytes;
  counts: Bytes;
  /** Float64Array of the event ids' fingerprints, by seq from `first`. */
  ids: Bytes;
}

const bytesOf = (a: Float64Array | Uint32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Bytes as written, or as the driver hands them back. */
type Bytes = Uint8Array | mongo.Binary;
const raw = (b: Bytes): Uint8Array => (b instanceof mongo.Binary ? b.buffer : b);

/** Typed arrays need aligned memory: what the driver hands back is copied into its own buffer. */
function f64(stored: Bytes): Float64Array {
  const bytes = raw(stored);
  const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 8));
  copy.set(bytes.subarray(0, copy.byteLength));
  return new Float64Array(copy.buffer);
}
function u32(stored: Bytes): Uint32Array {
  const bytes = raw(stored);
  const copy = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
  copy.set(bytes.subarray(0, copy.byteLength));
  return new Uint32Array(copy.buffer);
}

/**
 * What a page (PAGE_SIZE seqs) holds, without its records: its seqs, the span of its event times,
 * and how many of its records carry each indexed value (by fingerprint). While the page fills, the
 * counts are a Map; once full they are frozen into two sorted typed arrays (about 12 bytes a value).
 */
export class PageStats {
  first = 0;
  last = 0;
  /** Records with an event time (only they can match a query: a time range is required). */
  timed = 0;
  minT = Infinity;
  maxT = -Infinity;
  private open: Map<number, number> | undefined = new Map();
  private keys: Float64Array = new Float64Array(0);
  private counts: Uint32Array = new Uint32Array(0);
  private ids: number[] = [];

  constructor(readonly start: number) {}

  get full(): boolean {
    return this.last === this.start + PAGE_SIZE - 1;
  }

  get size(): number {
    return this.first === 0 ? 0 : this.last - this.first + 1;
  }

  /** Adds the next record (its seq follows `last`). Returns its event id's fingerprint. */
  add(record: IndexedRecord): number {
    if (this.first === 0) this.first = record.seq;
    this.last = record.seq;
    const id = fingerprint(record.id);
    this.ids.push(id);
    const time = eventTime(record);
    if (time === undefined) return id;
    this.timed++;
    if (time < this.minT) this.minT = time;
    if (time > this.maxT) this.maxT = time;
    const open = this.open ?? this.thaw();
    for (const key of keysOf(record)) open.set(key, (open.get(key) ?? 0) + 1);
    if (this.full) this.freeze();
    return id;
  }

  /** Timed records carrying the value `key` (a fingerprint). */
  count(key: number): number {
    if (this.open) return this.open.get(key) ?? 0;
    let lo = 0;
    let hi = this.keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keys[mid] as number;
      if (k === key) return this.counts[mid] as number;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** Whether every timed record lies in [from, to]. */
  inside(from: number, to: number): boolean {
    return this.timed > 0 && this.minT >= from && this.maxT <= to;
  }

  overlaps(from: number, to: number): boolean {
    return this.timed > 0 && this.maxT >= from && this.minT <= to;
  }

  /** The event-id fingerprints, by seq from `first`. */
  eventIds(): readonly number[] {
    return this.ids;
  }

  private freeze(): void {
    const open = this.open;
    if (!open) return;
    const keys = [...open.keys()].sort((x, y) => x - y);
    this.keys = Float64Array.from(keys);
    this.counts = Uint32Array.from(keys.map((k) => open.get(k) ?? 0));
    this.open = undefined;
  }

  private thaw(): Map<number, number> {
    const open = new Map<number, number>();
    this.keys.forEach((k, i) => open.set(k, this.counts[i] ?? 0));
    this.open = open;
    return open;
  }

  toDoc(): PageStatsDoc {
    this.freeze();
    return {
      start: this.start,
      first: this.first,
      last: this.last,
      timed: this.timed,
      minT: this.timed > 0 ? this.minT : 0,
      maxT: this.timed > 0 ? this.maxT : 0,
      keys: bytesOf(this.keys),
      counts: bytesOf(this.counts),
      ids: bytesOf(Float64Array.from(this.ids)),
    };
  }

  static fromDoc(doc: PageStatsDoc): PageStats {
    const page = new PageStats(doc.start);
    page.first = doc.first;
    page.last = doc.last;
    page.timed = doc.timed;
    page.minT = doc.timed > 0 ? doc.minT : Infinity;
    page.maxT = doc.timed > 0 ? doc.maxT : -Infinity;
    page.keys = f64(doc.keys);
    page.counts = u32(doc.counts);
    page.ids = Array.from(f64(doc.ids));
    page.open = undefined;
    return page;
  }
}

/**
 * The audit log's index, in memory (decision 0016): a PageStats per page, in seq order with no gap
 * from the archive checkpoint to `end`, and every recorded event id (by fingerprint) to its seq. It
 * is rebuilt at start from the group summaries the store keeps (one document per SEGMENT_TABLE_SEQS
 * records, written once, when the group is complete) and the records of the group still filling.
 * About 4 KB per page and 40 bytes per record: 10 MB at 200,000 records.
 */
export class LogIndex {
  private pages: PageStats[] = [];
  private readonly ids = new Map<number, number>();
  /** The last indexed seq; seqs up to `base` are archived. */
  end = 0;
  base = 0;

  reset(base: number): void {
    this.pages = [];
    this.ids.clear();
    this.base = base;
    this.end = base;
  }

  /** Adds records that follow `end` (those at or below it are known already). False on a gap. */
  add(records: readonly IndexedRecord[]): boolean {
    for (const record of records) {
      if (record.seq <= this.end) continue;
      if (record.seq !== this.end + 1) return false;
      const start = pageStart(record.seq);
      let page = this.pages[this.pages.length - 1];
      if (!page || page.start !== start) {
        page = new PageStats(start);
        this.pages.push(page);
      }
      this.ids.set(page.add(record), record.seq);
      this.end = record.seq;
    }
    return true;
  }

  /** Adds a page summary read back (it must follow `end`). */
  addPage(page: PageStats): boolean {
    if (page.size === 0) return true;
    if (page.first !== this.end + 1) return false;
    const last = this.pages[this.pages.length - 1];
    if (last && last.start === page.start) return false;
    this.pages.push(page);
    page.eventIds().forEach((id, k) => this.ids.set(id, page.first + k));
    this.end = page.last;
    return true;
  }

  /** The seq of the record an event id may have (check it: a fingerprint can collide). */
  seqOfEvent(eventId: string): number | undefined {
    const seq = this.ids.get(fingerprint(eventId));
    return seq !== undefined && seq > this.base ? seq : undefined;
  }

  /** The pages some of whose timed records lie in [from, to], in seq order. */
  pagesIn(from: number, to: number): PageStats[] {
    return this.pages.filter((p) => p.overlaps(from, to));
  }

  /** The pages holding seqs in [from, to] (for a group's summary). */
  pagesOfSeqs(from: number, to: number): PageStats[] {
    return this.pages.filter((p) => p.last >= from && p.first <= to);
  }

  /**
   * Forgets everything up to `seq` (archived). A page the checkpoint cuts in two is dropped with all
   * the pages after it (`end` goes back to the checkpoint): the caller indexes them again from the store.
   */
  removeThrough(seq: number): void {
    this.base = Math.max(this.base, seq);
    let keep = this.pages.findIndex((p) => p.last > seq);
    if (keep < 0) keep = this.pages.length;
    const cut = this.pages[keep];
    const drop = cut && cut.first <= seq ? this.pages.length : keep;
    for (const p of this.pages.slice(0, drop)) p.eventIds().forEach((id) => this.ids.delete(id));
    this.pages = this.pages.slice(drop);
    if (this.pages.length === 0) this.end = this.base;
  }

  /** Forgets the pages after `end` (a page boundary, or the base): a run of pages read back that did not fit. */
  truncate(end: number): void {
    const drop = this.pages.filter((p) => p.first > end);
    for (const p of drop) p.eventIds().forEach((id) => this.ids.delete(id));
    this.pages = this.pages.filter((p) => p.first <= end);
    this.end = Math.max(this.base, Math.min(this.end, end));
  }

  get pageCount(): number {
    return this.pages.length;
  }

  get size(): number {
    return this.end - this.base;
  }
}
