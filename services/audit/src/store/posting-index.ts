import { isDuplicateKeyError } from '@dv/persistence';
import { type IndexDoc } from '../records/audit-record.model';
import { type LogStore } from './log-store';
import { MINUTE_PREFIX, TIME_LEVELS } from './record-keys';

/** Entries a list's head holds before they move to a chunk of their own. */
export const CHUNK_CAP = 1000;
/** Lists whose state the writer keeps in memory (beyond that it forgets them all and reads again). */
const MAX_KNOWN_LISTS = 200_000;

export interface Entry {
  seq: number;
  /** Event time, ms. */
  time: number;
}

/** What the writer knows of a list: entries in its head, and its closed chunks' summaries. */
interface ListState {
  open: number;
  chunks: number[][];
  /** First and last seq entered (0 when empty). */
  lo: number;
  hi: number;
}

/** A record to enter: its seq, its event time and its lists. */
export interface Posting {
  seq: number;
  time: number;
  keys: readonly string[];
}

interface WriteErrorLike {
  index: number;
  code?: number;
}

function writeErrors(error: unknown): WriteErrorLike[] {
  if (typeof error !== 'object' || error === null || !('writeErrors' in error)) return [];
  const raw = (error as { writeErrors: unknown }).writeErrors;
  return (Array.isArray(raw) ? raw : [raw]).filter((e): e is WriteErrorLike => typeof e === 'object' && e !== null && typeof (e as { index?: unknown }).index === 'number');
}

const sizeOf = (state: ListState): number => state.open + state.chunks.reduce((n, c) => n + (c[2] ?? 0), 0);
const EMPTY: ListState = { open: 0, chunks: [], lo: 0, hi: 0 };

function stateOf(head: IndexDoc | undefined): ListState {
  const s = head?.s ?? [];
  const chunks = head?.c ?? [];
  return { open: s.length, chunks, lo: chunks[0]?.[0] ?? s[0] ?? 0, hi: s[s.length - 1] ?? chunks[chunks.length - 1]?.[1] ?? 0 };
}

/** A time head's child: its records, and the first and last seq among them. */
export type ChildCount = [count: number, lo: number, hi: number];

/**
 * Posting lists in the index collection, every one read and written by `_id` (decision 0014). A list
 * (`<key>`) is a head document with its newest entries (seq and event time, in seq order) and the
 * summaries of its closed chunks (`<key>#<n>`, CHUNK_CAP entries each: first and last seq, count,
 * earliest and latest time), so a reader skips the chunks outside its time range. Above the minute
 * lists, time heads count their children's records (see record-keys.ts). One writer appends: the
 * chain's writer, after each batch is stored.
 */
export class PostingIndex {
  private readonly lists = new Map<string, ListState>();
  private readonly counts = new Map<string, Record<string, ChildCount>>();

  constructor(private readonly store: LogStore) {}

  private get c() {
    return this.store.c;
  }

  async doc(id: string): Promise<IndexDoc | undefined> {
    this.store.reads++;
    return (await this.c.index.findOne({ _id: id })) ?? undefined;
  }

  /** A time head's counts by child (`{}` when there is none). */
  async childCounts(key: string): Promise<Record<string, ChildCount>> {
    return (await this.doc(key))?.n ?? {};
  }

  /** A list's entries with an event time in [from, to], in seq order (the chunks outside it are not read). */
  async entries(key: string, from = -Infinity, to = Infinity): Promise<Entry[]> {
    const head = await this.doc(key);
    if (!head) return [];
    const chunks = (head.c ?? []).map((c, n) => ({ c, n })).filter(({ c }) => (c[4] ?? Infinity) >= from && (c[3] ?? -Infinity) <= to);
    const docs = await Promise.all(chunks.map(({ n }) => this.doc(`${key}#${n}`)));
    const out: Entry[] = [];
    for (const d of [...docs, head]) {
      const s = d?.s ?? [];
      const t = d?.t ?? [];
      for (let i = 0; i < s.length; i++) {
        const time = t[i] ?? NaN;
        if (time >= from && time <= to) out.push({ seq: s[i] ?? 0, time });
      }
    }
    return out;
  }

  /** Enters a batch of records (in seq order) in their lists, then brings the time heads up to date. */
  async post(postings: readonly Posting[]): Promise<void> {
    if (this.lists.size > MAX_KNOWN_LISTS) {
      this.lists.clear();
      this.counts.clear();
    }
    const add = new Map<string, { s: number[]; t: number[] }>();
    for (const p of postings) {
      for (const key of p.keys) {
        const a = add.get(key);
        if (a) {
          a.s.push(p.seq);
          a.t.push(p.time);
        } else add.set(key, { s: [p.seq], t: [p.time] });
      }
    }
    const done = new Set<string>();
    const unknown = [...add.keys()].filter((k) => !this.lists.has(k));
    if (unknown.length > 0) {
      // A list seen for the first time is created by an insert; one that exists already answers with a conflict.
      const docs: IndexDoc[] = unknown.map((k) => {
        const a = add.get(k) as { s: number[]; t: number[] };
        return a.s.length <= CHUNK_CAP ? { _id: k, s: a.s, t: a.t, c: [] } : { _id: k, s: [], t: [], c: [] };
      });
      let failed = new Set<number>();
      try {
        await this.c.index.insertMany(docs, { ordered: false });
      } catch (error) {
        const errors = writeErrors(error);
        if (errors.length === 0 && !isDuplicateKeyError(error)) throw error;
        failed = new Set(errors.map((e) => e.index));
      }
      await Promise.all(
        docs.map(async (d, i) => {
          if (failed.has(i)) {
            this.lists.set(d._id, stateOf(await this.doc(d._id)));
          } else if ((d.s?.length ?? 0) > 0) {
            this.lists.set(d._id, stateOf(d));
            done.add(d._id);
          } else {
            this.lists.set(d._id, { ...EMPTY });
          }
        }),
      );
    }
    const pushes = [];
    for (const [key, a] of add) {
      if (done.has(key)) continue;
      const state = this.lists.get(key) as ListState;
      if (state.open + a.s.length <= CHUNK_CAP) {
        pushes.push({ updateOne: { filter: { _id: key }, update: { $push: { s: { $each: a.s }, t: { $each: a.t } } } } });
        state.open += a.s.length;
        if (state.lo === 0) state.lo = a.s[0] ?? 0;
        state.hi = a.s[a.s.length - 1] ?? state.hi;
      } else {
        await this.roll(key, a);
      }
    }
    if (pushes.length > 0) await this.c.index.bulkWrite(pushes, { ordered: false });
    await this.recount([...add.keys()].filter((k) => k.startsWith(MINUTE_PREFIX)));
  }

  /** A list whose head would overflow: its entries move to closed chunks, the rest stays in the head. */
  private async roll(key: string, a: { s: number[]; t: number[] }): Promise<void> {
    const head = await this.doc(key);
    await this.writeList(key, [...(head?.s ?? []), ...a.s], [...(head?.t ?? []), ...a.t], head?.c ?? []);
  }

  /** Writes a list: full chunks after `chunks`, the remainder in the head. */
  private async writeList(key: string, s: number[], t: number[], chunks: number[][]): Promise<void> {
    const closed = [...chunks];
    let i = 0;
    for (; s.length - i >= CHUNK_CAP; i += CHUNK_CAP) {
      const cs = s.slice(i, i + CHUNK_CAP);
      const ct = t.slice(i, i + CHUNK_CAP);
      await this.c.index.replaceOne({ _id: `${key}#${closed.length}` }, { s: cs, t: ct }, { upsert: true });
      closed.push([cs[0] ?? 0, cs[cs.length - 1] ?? 0, cs.length, Math.min(...ct), Math.max(...ct)]);
    }
    const head: IndexDoc = { _id: key, s: s.slice(i), t: t.slice(i), c: closed };
    await this.c.index.replaceOne({ _id: key }, { s: head.s, t: head.t, c: closed }, { upsert: true });
    this.lists.set(key, stateOf(head));
  }

  /**
   * Rewrites lists keeping only the entries `keep` accepts (a batch entered in part before a crash,
   * records archived), then the time heads above them.
   */
  async rewrite(keys: Iterable<string>, keep: (seq: number) => boolean): Promise<void> {
    const minutes: string[] = [];
    for (const key of new Set(keys)) {
      const head = await this.doc(key);
      if (!head) continue;
      const chunks = head.c ?? [];
      const parts = await Promise.all(chunks.map((_, n) => this.doc(`${key}#${n}`)));
      const s: number[] = [];
      const t: number[] = [];
      for (const d of [...parts, head]) {
        (d?.s ?? []).forEach((seq, i) => {
          if (keep(seq)) {
            s.push(seq);
            t.push(d?.t?.[i] ?? NaN);
          }
        });
      }
      for (let n = 0; n < chunks.length; n++) await this.c.index.deleteOne({ _id: `${key}#${n}` });
      await this.writeList(key, s, t, []);
      if (key.startsWith(MINUTE_PREFIX)) minutes.push(key);
    }
    await this.recount(minutes);
  }

  /** Sets each time head's count of the child below it, from the minute lists up to the years. */
  private async recount(minuteKeys: readonly string[]): Promise<void> {
    let changed = new Map<string, ChildCount>();
    for (const key of minuteKeys) {
      const state = this.lists.get(key) ?? EMPTY;
      changed.set(key, [sizeOf(state), state.lo, state.hi]);
    }
    for (const level of [...TIME_LEVELS].reverse()) {
      const parents = new Map<string, Record<string, ChildCount>>();
      for (const [child, count] of changed) {
        const iso = child.slice(3);
        const parent = `${level.prefix}${iso.slice(0, level.length)}`;
        let n = parents.get(parent) ?? this.counts.get(parent);
        if (!n) n = { ...(await this.childCounts(parent)) };
        const name = iso.slice(level.childFrom, level.childTo);
        if (count[0] > 0) n[name] = count;
        else delete n[name];
        parents.set(parent, n);
      }
      if (parents.size > 0) {
        await this.c.index.bulkWrite(
          [...parents].map(([id, n]) => ({ replaceOne: { filter: { _id: id }, replacement: { n }, upsert: true } })),
          { ordered: false },
        );
      }
      changed = new Map();
      for (const [id, n] of parents) {
        this.counts.set(id, n);
        const children = Object.values(n);
        changed.set(id, [children.reduce((x, c) => x + c[0], 0), Math.min(...children.map((c) => c[1])), Math.max(...children.map((c) => c[2]))]);
      }
    }
  }
}
