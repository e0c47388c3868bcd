import { type AuditFilterField, type AuditRecord, type RpcReplyInput, type AuditRpc } from '@dv/contracts';
import { parseRecordText } from '../../records/audit-record.model';
import { type AuditStore } from '../../store/audit-store';
import { INDEXED_FIELDS, type IndexedField, type PageStats, eventTime, fieldKey } from '../../store/log-index';
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

/** A record that holds, with what it is ordered by. */
interface Hit {
  seq: number;
  time: number;
  key: string | number | undefined;
}

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
 * A query over the log (decision 0016). The in-memory index names the pages whose event times meet
 * the range and, for an `==` on an indexed field (entity id, subject, request id, related ids), only
 * those holding the value; the store is read a page at a time (one document each). Then:
 * - nothing else to check, sorted by time or seq: the total comes from the pages' counts (a page
 *   across an end of the range is read to count it), and only the pages the reply falls in are read;
 * - anything else (other filters, search, another sort): every candidate page is read and each record
 *   checked. That costs the candidates, not the log.
 */
export class QueryRunner {
  constructor(private readonly store: AuditStore) {}

  async run(q: AuditQuery): Promise<QueryReply> {
    await this.store.refresh();
    const from = Date.parse(normalizeTime(q.from));
    const to = Date.parse(normalizeTime(q.to));
    const conditions = q.filterBy.map(fieldCondition);
    const driver = conditions.find((c) => c.op === '==' && INDEXED.has(c.field) && typeof c.value === 'string');
    const rest: RecordPredicate[] = conditions.filter((c) => c !== driver).map((c) => c.test);
    if (q.search !== undefined && q.search !== '') rest.push(searchCondition(q.search));
    const dir = q.sortOrder === 'desc' ? -1 : 1;
    const sortBy = q.sortBy ?? 'timestamp';
    const key = driver ? fieldKey(driver.field as IndexedField, String(driver.value)) : undefined;
    const pages = this.store.index.pagesIn(from, to).filter((p) => key === undefined || p.count(key) > 0);
    const matches = (record: AuditRecord): boolean => {
      const time = eventTime(record);
      return time !== undefined && time >= from && time <= to && (!driver || driver.test(record));
    };
    if (rest.length === 0 && (sortBy === 'timestamp' || sortBy === 'seq')) {
      return this.byOrder(pages, (p) => (p.inside(from, to) ? (key === undefined ? p.timed : p.count(key)) : undefined), matches, sortBy, dir, q);
    }
    return this.checkEach(pages, (r) => matches(r) && rest.every((test) => test(r)), sortBy, dir, q);
  }

  /** Pages' matching records, each page read once (a few side by side). */
  private matchesOf(match: RecordPredicate): (pages: readonly PageStats[]) => Promise<Map<PageStats, AuditRecord[]>> {
    const cache = new Map<PageStats, AuditRecord[]>();
    return async (pages) => {
      const missing = pages.filter((p) => !cache.has(p));
      for (let i = 0; i < missing.length; i += 4) {
        await Promise.all(
          missing.slice(i, i + 4).map(async (p) => {
            const records: AuditRecord[] = [];
            for await (const r of this.recordsOf(p)) if (match(r)) records.push(r);
            cache.set(p, records);
          }),
        );
      }
      return cache;
    };
  }

  /**
   * Sorted by time (or seq) with nothing to check but the range and the indexed value: pages are
   * taken in clusters whose time spans overlap (by seq: one page each), disjoint and in order, so a
   * cluster before the reply's first record is skipped by its count, unread.
   */
  private async byOrder(
    pages: readonly PageStats[],
    known: (p: PageStats) => number | undefined,
    match: RecordPredicate,
    sortBy: 'timestamp' | 'seq',
    dir: number,
    q: AuditQuery,
  ): Promise<QueryReply> {
    const read = this.matchesOf(match);
    // Pages across an end of the range are read to count them.
    const counted = await read(pages.filter((p) => known(p) === undefined));
    const countOf = (p: PageStats): number => known(p) ?? counted.get(p)?.length ?? 0;
    const totalRecords = pages.reduce((n, p) => n + countOf(p), 0);
    let units: PageStats[][];
    if (sortBy === 'seq') units = pages.map((p) => [p]);
    else {
      units = [];
      let spanEnd = -Infinity;
      for (const p of [...pages].sort((a, b) => a.minT - b.minT || a.start - b.start)) {
        const last = units[units.length - 1];
        if (last && p.minT <= spanEnd) last.push(p);
        else units.push([p]);
        spanEnd = Math.max(spanEnd, p.maxT);
      }
    }
    if (dir < 0) units.reverse();
    let skip = q.offset;
    const out: AuditRecord[] = [];
    for (const unit of units) {
      if (out.length >= q.limit) break;
      const count = unit.reduce((n, p) => n + countOf(p), 0);
      if (skip >= count) {
        skip -= count;
        continue;
      }
      const records = [...(await read(unit)).entries()].filter(([p]) => unit.includes(p)).flatMap(([, r]) => r);
      const order = sortBy === 'seq' ? (r: AuditRecord): number => r.seq : (r: AuditRecord): number => eventTime(r) ?? 0;
      records.sort((a, b) => dir * (order(a) - order(b) || a.seq - b.seq));
      out.push(...records.slice(skip, skip + q.limit - out.length));
      skip = 0;
    }
    return { totalRecords, records: out };
  }

  /** Every record of the pages, each with its seq as stored (its place in the chain). */
  private async *recordsOf(page: PageStats): AsyncGenerator<AuditRecord> {
    for await (const segment of this.store.log.segments(page.first, page.last)) {
      for (let k = 0; k < segment.texts.length; k++) {
        const seq = segment.first + k;
        if (seq < page.first || seq > page.last) continue;
        try {
          yield parseRecordText(segment.texts[k] as string);
        } catch {
          // Not a record any more (changed in the database): verify names it; a query leaves it out.
        }
      }
    }
  }

  /** Checks every record of the pages, keeps the sort value and seq of those that hold, then reads the reply's records. */
  private async checkEach(pages: readonly PageStats[], match: RecordPredicate, sortBy: AuditFilterField, dir: number, q: AuditQuery): Promise<QueryReply> {
    const hits: Hit[] = [];
    const read = this.matchesOf(match);
    for (let i = 0; i < pages.length; i += 8) {
      const batch = pages.slice(i, i + 8);
      const found = await read(batch);
      for (const p of batch) {
        for (const record of found.get(p) ?? []) {
          const time = eventTime(record) ?? 0;
          hits.push({ seq: record.seq, time, key: sortBy === 'timestamp' ? time : sortValue(record, sortBy, dir) });
        }
        // Only the sort values are kept: the reply's records are read again at the end.
        found.delete(p);
      }
    }
    // Ties keep chain order, so equal values come back in the order they were sealed.
    hits.sort((a, b) => dir * (compareValues(a.key, b.key) || a.seq - b.seq));
    const seqs = hits.slice(q.offset, q.offset + q.limit).map((h) => h.seq);
    const texts = await this.store.log.readSeqs(seqs);
    const records: AuditRecord[] = [];
    for (const seq of seqs) {
      const text = texts.get(seq);
      if (text !== undefined) records.push(parseRecordText(text));
    }
    return { totalRecords: hits.length, records };
  }
}
