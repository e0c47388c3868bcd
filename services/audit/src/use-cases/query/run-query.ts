import { type AuditFilterField, type AuditRecord, type RpcReplyInput, type AuditRpc } from '@dv/contracts';
import { parseRecordText } from '../../records/audit-record.model';
import { type AuditStore } from '../../store/audit-store';
import { type Entry } from '../../store/posting-index';
import { INDEXED_FIELDS, type IndexedField, eventTime, fieldKey } from '../../store/record-keys';
import { type TimePart, TimeSources } from '../../store/time-sources';
import { type RecordPredicate, fieldCondition, normalizeTime, searchCondition } from './record-matcher';

export interface AuditQuery {
  from: string;
  to: string;
  filterBy: readonly string[];
  search?: string | undefined;
  sortBy?: AuditFilterField | undefined;
  sortOrder: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export type QueryReply = RpcReplyInput<typeof AuditRpc.query>;

const INDEXED: ReadonlySet<string> = new Set(INDEXED_FIELDS);

/** Order of two entries by event time, ties by seq (both in the query's direction). */
const byTime = (dir: number) => (a: Entry, b: Entry) => dir * (a.time - b.time || a.seq - b.seq);

/** A sort value as the database ordered it: absent first, numbers, then strings; an array by its least (asc) or greatest (desc) item. */
function sortValue(record: AuditRecord, field: AuditFilterField, dir: number): string | number | undefined {
  const v: unknown = record[field];
  if (Array.isArray(v)) {
    const items = v.filter((x): x is string => typeof x === 'string').sort();
    return dir > 0 ? items[0] : items[items.length - 1];
  }
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}

function compareValues(a: string | number | undefined, b: string | number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return -1;
  if (b === undefined) return 1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : 1;
}

/**
 * A query over the log by key only (decision 0014). The records come from one posting list: an `==`
 * on an indexed field (entity id, subject, request id, related ids) reads that value's list; without
 * one, the time range is a few time heads and two minute lists. Then:
 * - nothing else to check, sorted by time: counts come from the heads, the page is read from the
 *   minute lists it falls in, then its records (a page of the store each);
 * - anything else (other filters, search, another sort): every candidate record is read and checked,
 *   by seq range (time) or by seq (a value's list). That costs the candidates, not the log.
 */
export class QueryRunner {
  private readonly time: TimeSources;

  constructor(private readonly store: AuditStore) {
    this.time = new TimeSources(store.index);
  }

  async run(q: AuditQuery): Promise<QueryReply> {
    const from = Date.parse(normalizeTime(q.from));
    const to = Date.parse(normalizeTime(q.to));
    const conditions = q.filterBy.map(fieldCondition);
    const driver = conditions.find((c) => c.op === '==' && INDEXED.has(c.field) && typeof c.value === 'string');
    const rest: RecordPredicate[] = conditions.filter((c) => c !== driver).map((c) => c.test);
    if (q.search !== undefined && q.search !== '') rest.push(searchCondition(q.search));
    const dir = q.sortOrder === 'desc' ? -1 : 1;
    const sortBy = q.sortBy ?? 'timestamp';
    const byEntries = rest.length === 0 && (sortBy === 'timestamp' || sortBy === 'seq');

    if (driver) {
      const entries = await this.store.index.entries(fieldKey(driver.field as IndexedField, String(driver.value)), from, to);
      if (byEntries) {
        entries.sort(sortBy === 'seq' ? (a, b) => dir * (a.seq - b.seq) : byTime(dir));
        return { totalRecords: entries.length, records: await this.fetch(entries.slice(q.offset, q.offset + q.limit).map((e) => e.seq)) };
      }
      return this.checkEach(this.recordsOf(entries.map((e) => e.seq)), from, to, rest, sortBy, dir, q);
    }
    const parts = await this.time.parts(from, to);
    if (byEntries && sortBy === 'timestamp') return this.pageByTime(parts, from, to, dir, q);
    return this.checkEach(this.recordsInSeqRange(parts), from, to, rest, sortBy, dir, q);
  }

  /** Counts from the parts; reads only the minute lists the page falls in. */
  private async pageByTime(parts: TimePart[], from: number, to: number, dir: number, q: AuditQuery): Promise<QueryReply> {
    const totalRecords = parts.reduce((n, p) => n + p.count, 0);
    const ordered = dir > 0 ? parts : [...parts].reverse();
    let skip = q.offset;
    const page: Entry[] = [];
    const queue = [...ordered];
    while (queue.length > 0 && page.length < q.limit) {
      const part = queue.shift() as TimePart;
      if (skip >= part.count) {
        skip -= part.count;
        continue;
      }
      if (!part.key.startsWith('tm:') && !part.entries) {
        // The page starts in this head: open it (its children are counted too).
        const children = await this.time.children(part.key);
        queue.unshift(...(dir > 0 ? children : children.reverse()));
        continue;
      }
      const entries = (await this.time.entries(part, from, to)).sort(byTime(dir));
      const taken = entries.slice(skip, skip + q.limit - page.length);
      skip = 0;
      page.push(...taken);
    }
    return { totalRecords, records: await this.fetch(page.map((e) => e.seq)) };
  }

  /** The records of a set of seqs, in that order (those gone meanwhile are left out). */
  private async fetch(seqs: readonly number[]): Promise<AuditRecord[]> {
    const texts = await this.store.log.readSeqs(seqs);
    const out: AuditRecord[] = [];
    for (const seq of seqs) {
      const text = texts.get(seq);
      if (text !== undefined) out.push(parseRecordText(text));
    }
    return out;
  }

  private async *recordsOf(seqs: readonly number[]): AsyncGenerator<AuditRecord> {
    for (let i = 0; i < seqs.length; i += 1000) yield* await this.fetch(seqs.slice(i, i + 1000));
  }

  /** Every record in the seq range the time parts span, segment by segment. */
  private async *recordsInSeqRange(parts: readonly TimePart[]): AsyncGenerator<AuditRecord> {
    if (parts.length === 0) return;
    const lo = Math.min(...parts.map((p) => p.lo));
    const hi = Math.max(...parts.map((p) => p.hi));
    for await (const segment of this.store.log.segments(lo, hi)) {
      for (let k = 0; k < segment.texts.length; k++) {
        const seq = segment.first + k;
        if (seq < lo || seq > hi) continue;
        try {
          yield parseRecordText(segment.texts[k] as string);
        } catch {
          // Not a record any more (changed in the database): verify names it; a query leaves it out.
        }
      }
    }
  }

  /** Checks every candidate, keeps the sort value and seq of those that hold, then reads the page. */
  private async checkEach(
    candidates: AsyncIterable<AuditRecord>,
    from: number,
    to: number,
    rest: readonly RecordPredicate[],
    sortBy: AuditFilterField,
    dir: number,
    q: AuditQuery,
  ): Promise<QueryReply> {
    const hits: { seq: number; key: string | number | undefined; time: number }[] = [];
    for await (const record of candidates) {
      const time = eventTime(record);
      if (time === undefined || time < from || time > to) continue;
      if (!rest.every((test) => test(record))) continue;
      hits.push({ seq: record.seq, key: sortBy === 'timestamp' ? time : sortValue(record, sortBy, dir), time });
    }
    // Ties keep chain order, so equal values come back in the order they were sealed.
    hits.sort((a, b) => dir * (compareValues(a.key, b.key) || a.seq - b.seq));
    return { totalRecords: hits.length, records: await this.fetch(hits.slice(q.offset, q.offset + q.limit).map((h) => h.seq)) };
  }
}

