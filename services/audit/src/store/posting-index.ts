import { type IndexDoc } from '../records/audit-record.model';
import { type LogStore } from './log-store';
import { bulkSpread, insertSpread } from './spread-writes';
import { MINUTE_PREFIX, TIME_LEVELS } from './record-keys';

/** Entries a merged chunk holds at most. */
export const CHUNK_CAP = 1000;
/** Small chunks (one per batch) a list gathers before they are merged into one. */
const MERGE_AFTER = 64;
/** Lists merged per batch at most (the rest wait for the next batches): no batch pays for thousands. */
const MERGES_PER_BATCH = 50;
/** Chunks read ahead along a list. */
const CHAIN_READ_AHEAD = 8;
/** Lists whose state the writer keeps in memory (beyond that it forgets them all and reads again). */
const MAX_KNOWN_LISTS = 2_000_000;

export interface Entry {
  seq: number;
  /** Event time, ms. */
  time: number;
}

/** A record to enter: its seq, its event time and its lists. */
export interface Posting {
  seq: number;
  time: number;
  keys: readonly string[];
}

/** What the writer knows of a list. */
interface ListState {
  /** The number its next chunk gets. */
  next: number;
  /** Where the chunks not merged yet start, and how many entries they hold. */
  runStart: number;
  runEntries: number;
  /** Entries in all, and the first and last seq (0 when empty). */
  size: number;
  lo: number;
  hi: number;
  /** The entries of the run (from `runStart`), when this writer entered all of them: a merge then reads nothing. */
  run?: { s: number[]; t: number[] };
}

/** A time head's child: its records, and the first and last seq among them. */
export type ChildCount = [count: number, lo: number, hi: number];

const chunkId = (key: string, n: number): string => `${key}#${n}`;

/**
 * Posting lists in the index collection, every one read and written by `_id` (decision 0014). A list
 * is a chain of chunks `<key>#0`, `<key>#<next>`, …: each batch adds one chunk to each list it
 * touches, all of them in one insert (the store writes a document per transaction otherwise, and an
 * update costs as much as a transaction: measured, 1 to 35 ms each under load); every MERGE_AFTER
 * chunks, the small ones are merged into their first (one update), so a list stays a few reads. Above the minute lists, time heads count their
 * children's records (see record-keys.ts). One writer appends: the chain's writer, after each batch is stored.
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
    return (await this.c.index(id).findOne({ _id: id })) ?? undefined;
  }

  /** A time head's counts by child (`{}` when there is none). */
  async childCounts(key: string): Promise<Record<string, ChildCount>> {
    return (await this.doc(key))?.n ?? {};
  }

  /**
   * A list's chunks in order, from `#0` following each one's `next`. Chunks not merged yet follow
   * one another (`next` = n + 1): the next few are read ahead, side by side.
   */
  private async chain(key: string): Promise<{ n: number; doc: IndexDoc }[]> {
    const out: { n: number; doc: IndexDoc }[] = [];
    const ahead = new Map<number, Promise<IndexDoc | undefined>>();
    const read = (n: number): Promise<IndexDoc | undefined> => {
      let p = ahead.get(n);
      if (!p) {
        p = this.doc(chunkId(key, n));
        ahead.set(n, p);
      }
      return p;
    };
    try {
      for (let n = 0; ; ) {
        const doc = await read(n);
        if (!doc) return out;
        out.push({ n, doc });
        const next = typeof doc.next === 'number' && doc.next > n ? doc.next : n + 1;
        for (let k = 1; k <= CHAIN_READ_AHEAD; k++) void read(next + k);
        n = next;
      }
    } finally {
      for (const p of ahead.values()) p.catch(() => undefined);
    }
  }

  /** A list's entries with an event time in [from, to], in seq order. */
  async entries(key: string, from = -Infinity, to = Infinity): Promise<Entry[]> {
    const out: Entry[] = [];
    let last = 0;
    for (const { doc } of await this.chain(key)) {
      const s = doc.s ?? [];
      const t = doc.t ?? [];
      for (let i = 0; i < s.length; i++) {
        const seq = s[i] ?? 0;
        const time = t[i] ?? NaN;
        // Seqs only grow along a list: one not above the last is a left-over of an interrupted rewrite.
        if (seq <= last) continue;
        last = seq;
        if (time >= from && time <= to) out.push({ seq, time });
      }
    }
    return out;
  }

  /** The state of a list, read from its chain. */
  private async stateOf(key: string): Promise<ListState> {
    const chain = await this.chain(key);
    const state: ListState = { next: 0, runStart: 0, runEntries: 0, size: 0, lo: 0, hi: 0 };
    for (const { n, doc } of chain) {
      const s = doc.s ?? [];
      state.size += s.length;
      if (state.lo === 0) state.lo = s[0] ?? 0;
      state.hi = s[s.length - 1] ?? state.hi;
      state.next = typeof doc.next === 'number' && doc.next > n ? doc.next : n + 1;
      if (s.length >= CHUNK_CAP / 2) {
        state.runStart = state.next;
        state.runEntries = 0;
      } else {
        state.runEntries += s.length;
      }
    }
    return state;
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
    // A list not known here is tried as new (`#0`); one that exists answers with a conflict and is read.
    const keys = [...add.keys()];
    const at = (key: string): number => this.lists.get(key)?.next ?? 0;
    let pending = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const docs: IndexDoc[] = pending.map((k) => {
        const a = add.get(k) as { s: number[]; t: number[] };
        const n = at(k);
        return { _id: chunkId(k, n), s: a.s, t: a.t, next: n + 1 };
      });
      const conflicts = await insertSpread(docs, (d) => this.c.index(d._id));
      if (conflicts.length > 0 && attempt > 2) throw new Error(`index chunks of ${conflicts.length} lists conflict again after reading them`);
      const failed = new Set(conflicts);
      const retry: string[] = [];
      for (const [i, k] of pending.entries()) {
        if (failed.has(i)) retry.push(k);
        else this.entered(k, add.get(k) as { s: number[]; t: number[] });
      }
      await Promise.all(retry.map(async (k) => this.lists.set(k, await this.stateOf(k))));
      pending = retry;
    }
    let merges = 0;
    for (const key of keys) {
      const state = this.lists.get(key);
      if (state && state.next - state.runStart >= MERGE_AFTER && merges++ < MERGES_PER_BATCH) await this.merge(key, state);
    }
    await this.recount(keys.filter((k) => k.startsWith(MINUTE_PREFIX)));
  }

  private entered(key: string, a: { s: number[]; t: number[] }): void {
    const state = this.lists.get(key) ?? { next: 0, runStart: 0, runEntries: 0, size: 0, lo: 0, hi: 0, run: { s: [], t: [] } };
    if (state.run) {
      state.run.s.push(...a.s);
      state.run.t.push(...a.t);
    }
    state.next += 1;
    state.runEntries += a.s.length;
    state.size += a.s.length;
    if (state.lo === 0) state.lo = a.s[0] ?? 0;
    state.hi = a.s[a.s.length - 1] ?? state.hi;
    this.lists.set(key, state);
  }

  /** Merges a list's small chunks into the first of them (up to CHUNK_CAP entries each). */
  private async merge(key: string, state: ListState): Promise<void> {
    let s: number[];
    let t: number[];
    if (state.run) {
      ({ s, t } = state.run);
    } else {
      // Not all entered here (a restart since): the run's first chunk (merged before, perhaps: its
      // `next` says where the rest starts), then the rest side by side.
      const first = await this.doc(chunkId(key, state.runStart));
      const from = typeof first?.next === 'number' && first.next > state.runStart ? first.next : state.runStart + 1;
      const rest = await Promise.all(Array.from({ length: Math.max(0, state.next - from) }, (_, i) => this.doc(chunkId(key, from + i))));
      const parts = [first, ...rest].filter((d): d is IndexDoc => d !== undefined);
      s = parts.flatMap((d) => d.s ?? []);
      t = parts.flatMap((d) => d.t ?? []);
    }
    await this.c.index(key).replaceOne({ _id: chunkId(key, state.runStart) }, { s, t, next: state.next }, { upsert: true });
    if (s.length >= CHUNK_CAP / 2) {
      state.runStart = state.next;
      state.runEntries = 0;
      state.run = { s: [], t: [] };
    } else {
      // Still small: it stays the start of the run, which grows on.
      state.runEntries = s.length;
      state.run = { s: [...s], t: [...t] };
    }
  }

  /**
   * Rewrites lists keeping only the entries `keep` accepts (a batch entered in part before a crash,
   * records archived), then the time heads above them.
   */
  async rewrite(keys: Iterable<string>, keep: (seq: number) => boolean): Promise<void> {
    const minutes: string[] = [];
    const all = [...new Set(keys)];
    // A few lists at a time (reads side by side); a list that loses nothing is left as it is.
    for (let g = 0; g < all.length; g += 16) {
      await Promise.all(
        all.slice(g, g + 16).map(async (key) => {
          if (await this.rewriteList(key, keep)) if (key.startsWith(MINUTE_PREFIX)) minutes.push(key);
        }),
      );
    }
    await this.recount(minutes);
  }

  /** Rewrites one list without the entries `keep` refuses; whether it changed. */
  private async rewriteList(key: string, keep: (seq: number) => boolean): Promise<boolean> {
    const chain = await this.chain(key);
    if (chain.length === 0) return false;
    const s: number[] = [];
    const t: number[] = [];
    let stored = 0;
    for (const { doc } of chain) {
      stored += doc.s?.length ?? 0;
      (doc.s ?? []).forEach((seq, i) => {
        if (keep(seq) && seq > (s[s.length - 1] ?? 0)) {
          s.push(seq);
          t.push(doc.t?.[i] ?? NaN);
        }
      });
    }
    if (s.length === stored) return false;
    // The new chain over the first ids, then the old ones beyond it go.
    let n = 0;
    for (let i = 0; i < s.length || n === 0; i += CHUNK_CAP, n++) {
      await this.c.index(key).replaceOne({ _id: chunkId(key, n) }, { s: s.slice(i, i + CHUNK_CAP), t: t.slice(i, i + CHUNK_CAP), next: n + 1 }, { upsert: true });
    }
    for (const old of chain) if (old.n >= n) await this.c.index(key).deleteOne({ _id: chunkId(key, old.n) });
    this.lists.set(key, { next: n, runStart: n, runEntries: 0, size: s.length, lo: s[0] ?? 0, hi: s[s.length - 1] ?? 0, run: { s: [], t: [] } });
    return true;
  }

  /** Sets each time head's count of the child below it, from the minute lists up to the root. */
  private async recount(minuteKeys: readonly string[]): Promise<void> {
    let changed = new Map<string, ChildCount>();
    for (const key of minuteKeys) {
      const state = this.lists.get(key) ?? (await this.stateOf(key));
      changed.set(key, [state.size, state.lo, state.hi]);
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
        await bulkSpread<IndexDoc>(
          [...parents].map(([id, n]) => ({ id, op: { replaceOne: { filter: { _id: id }, replacement: { n }, upsert: true } } })),
          (id) => this.c.index(id),
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
