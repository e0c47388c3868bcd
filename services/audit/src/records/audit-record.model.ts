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

export interface AuditCollections {
  segments: Collection<SegmentDoc>;
  eventIds: Collection<EventKeyDoc>;
  index: Collection<IndexDoc>;
  chain: Collection<ChainStateDoc>;
}

/** The service's collections (the driver's, not mongoose models). No secondary index: none is served. */
export function auditCollections(connection: Connection): AuditCollections {
  return {
    segments: connection.collection<SegmentDoc>(AUDIT_SEGMENTS_COLLECTION),
    eventIds: connection.collection<EventKeyDoc>(AUDIT_EVENT_IDS_COLLECTION),
    index: connection.collection<IndexDoc>(AUDIT_INDEX_COLLECTION),
    chain: connection.collection<ChainStateDoc>(AUDIT_CHAIN_COLLECTION),
  };
}

/** A stored record's text (as sealed on DV_AUDIT) read back as a record. */
export function parseRecordText(text: string): AuditRecord {
  return JSON.parse(text) as AuditRecord;
}
