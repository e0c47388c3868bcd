import { type AuditRecord } from '@dv/contracts';
import { type Collection, type Connection, mongo } from 'mongoose';

/**
 * The layout (decision 0014): every read is a lookup by `_id`, the one query FerretDB on SQLite serves
 * from an index (it scans the whole collection for anything else, sorts and ranges included).
 *
 * A segment holds consecutive records, `_id` = `s` + the zero-padded seq of its first record: one per
 * sealed batch, split where a page (PAGE_SIZE seqs) ends, so every page starts with a segment of its
 * own, and the segment after one ending at `last` is `s<last + 1>`. Once a page is full its segments
 * are merged into the page's first one. The records are kept as they are sealed on DV_AUDIT (their
 * canonical text with the hash last), one per line, deflated: what is hashed is what is stored.
 */
export interface SegmentDoc {
  _id: string;
  first: number;
  last: number;
  /** The records' texts, `\n`-joined (JSON never holds a raw newline), deflated (raw). */
  z: mongo.Binary;
  /** On a merged page: the other segments it absorbed (kept: their ids guard the seqs against a second writer). */
  absorbed?: string[];
}

/** One per recorded event, `_id` = event id: an event is recorded once, whatever redelivers it. */
export interface EventKeyDoc {
  _id: string;
  seq: number;
}

/** Chain bookkeeping: `head` (the last sealed seq and hash, a lower bound), `archive` (checkpoint), `relay` (published seq), `index` (indexed up to). */
export interface ChainStateDoc {
  _id: 'head' | 'archive' | 'relay' | 'index';
  seq: number;
  hash?: string;
  file?: string;
}

/**
 * A chunk of a posting list (`<key>#<n>`: its entries, and where the list goes on), or a time head
 * (`<key>`: the counts of its children). See store/posting-index.ts.
 */
export interface IndexDoc {
  _id: string;
  /** Entries: seqs, and their event times (ms), in seq order. */
  s?: number[];
  t?: number[];
  /** The number of the list's next chunk (`<key>#<next>`). */
  next?: number;
  /** Time heads: their children (`<child>` → [records, first seq, last seq]). */
  n?: Record<string, [number, number, number]>;
}

export const AUDIT_SEGMENTS_COLLECTION = 'audit_segments';
export const AUDIT_EVENT_IDS_COLLECTION = 'audit_event_ids';
export const AUDIT_INDEX_COLLECTION = 'audit_index';
export const AUDIT_CHAIN_COLLECTION = 'audit_chain';

/**
 * Why the documents are spread over many collections: FerretDB 1.24 on SQLite "pushes down" `_id`
 * equality as `WHERE _ferretdb_sjson->'$._id' = ?`, but its `_id` index is on `_ferretdb_sjson->"_id"`,
 * another expression, so SQLite scans the table for every lookup (EXPLAIN: `SCAN`), parsing each row's
 * JSON. A lookup costs the size of its table: tables are kept small. Segments by seq (a table per
 * SEGMENT_TABLE_SEQS records), event keys and index documents by a hash of their key.
 */
export const SEGMENT_TABLE_SEQS = 2000;
export const KEY_TABLES = 512;

/** FNV-1a of a string, to a table number. */
export function keyTable(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % KEY_TABLES;
}

export interface AuditCollections {
  /** The table of the segment whose first record has this seq. */
  segments(firstSeq: number): Collection<SegmentDoc>;
  /** The table of an event's key. */
  eventIds(eventId: string): Collection<EventKeyDoc>;
  /** The table of an index document (by its list's key: the id without `#<n>`). */
  index(id: string): Collection<IndexDoc>;
  chain: Collection<ChainStateDoc>;
}

/** The service's collections (the driver's, not mongoose models). No secondary index: none is served. */
export function auditCollections(connection: Connection): AuditCollections {
  const cache = new Map<string, Collection<never>>();
  const get = <T extends { _id: string }>(name: string): Collection<T> => {
    let c = cache.get(name);
    if (!c) {
      c = connection.collection<never>(name);
      cache.set(name, c);
    }
    return c as unknown as Collection<T>;
  };
  return {
    segments: (firstSeq) => get<SegmentDoc>(`${AUDIT_SEGMENTS_COLLECTION}_${Math.floor((firstSeq - 1) / SEGMENT_TABLE_SEQS)}`),
    eventIds: (eventId) => get<EventKeyDoc>(`${AUDIT_EVENT_IDS_COLLECTION}_${keyTable(eventId)}`),
    index: (id) => {
      const hash = id.lastIndexOf('#');
      return get<IndexDoc>(`${AUDIT_INDEX_COLLECTION}_${keyTable(hash < 0 ? id : id.slice(0, hash))}`);
    },
    chain: connection.collection<ChainStateDoc>(AUDIT_CHAIN_COLLECTION),
  };
}

/** A stored record's text (as sealed on DV_AUDIT) read back as a record. */
export function parseRecordText(text: string): AuditRecord {
  return JSON.parse(text) as AuditRecord;
}
