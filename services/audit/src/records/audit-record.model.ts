import { type AuditRecord } from '@dv/contracts';
import { type Collection, type Connection, mongo } from 'mongoose';
import { type PageStatsDoc } from '../store/log-index';

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

/** Chain bookkeeping: `head` (the last sealed seq and hash, a lower bound), `archive` (checkpoint), `relay` (published seq). */
export interface ChainStateDoc {
  _id: 'head' | 'archive' | 'relay';
  seq: number;
  hash?: string;
  file?: string;
}

/**
 * The summary of a group (the SEGMENT_TABLE_SEQS seqs of one segment table), written once the group is
 * complete: each page's seqs, event-time span and value counts, and its event ids (fingerprints). The
 * index is rebuilt from these at start (decision 0016): derived data, rebuilt from the records when
 * missing or not matching the group's extent.
 */
export interface SummaryDoc {
  _id: string;
  group: number;
  first: number;
  last: number;
  pages: PageStatsDoc[];
}

export const AUDIT_SEGMENTS_COLLECTION = 'audit_segments';
export const AUDIT_SUMMARIES_COLLECTION = 'audit_summaries';
export const AUDIT_CHAIN_COLLECTION = 'audit_chain';

/**
 * Why the segments are spread over many collections: FerretDB 1.24 on SQLite "pushes down" `_id`
 * equality as `WHERE _ferretdb_sjson->'$._id' = ?`, but its `_id` index is on `_ferretdb_sjson->"_id"`,
 * another expression, so SQLite scans the table for every lookup (EXPLAIN: `SCAN`), parsing each row's
 * JSON. A lookup costs the size of its table: tables are kept small (a table per SEGMENT_TABLE_SEQS records).
 */
export const SEGMENT_TABLE_SEQS = 2000;

/** The group (segment table) of a seq. */
export const groupOf = (seq: number): number => Math.floor((seq - 1) / SEGMENT_TABLE_SEQS);

export const summaryId = (group: number): string => `g${String(group).padStart(9, '0')}`;

export interface AuditCollections {
  /** The table of the segment whose first record has this seq. */
  segments(firstSeq: number): Collection<SegmentDoc>;
  /** The groups' summaries (one small table: a document per SEGMENT_TABLE_SEQS records). */
  summaries: Collection<SummaryDoc>;
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
    segments: (firstSeq) => get<SegmentDoc>(`${AUDIT_SEGMENTS_COLLECTION}_${groupOf(firstSeq)}`),
    summaries: connection.collection<SummaryDoc>(AUDIT_SUMMARIES_COLLECTION),
    chain: connection.collection<ChainStateDoc>(AUDIT_CHAIN_COLLECTION),
  };
}

/** A stored record's text (as sealed on DV_AUDIT) read back as a record. */
export function parseRecordText(text: string): AuditRecord {
  return JSON.parse(text) as AuditRecord;
}
