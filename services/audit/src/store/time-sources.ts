import { type Entry, type PostingIndex } from './posting-index';
import { MINUTE_LENGTH, MINUTE_PREFIX, TIME_LEVELS } from './record-keys';

/**
 * A part of a time range: a year, month, day or hour head (its records counted by its parent), or
 * a minute list. Parts are disjoint and come in time order, so a page can skip whole parts by count.
 */
export interface TimePart {
  /** `ty:2026`, `tM:2026-12`, `td:2026-12-06`, `th:2026-12-06T11` or `tm:2026-12-06T11:50`. */
  key: string;
  /** Its records in the range (all of its records when it lies inside the range). */
  count: number;
  /** First and last seq among its records. */
  lo: number;
  hi: number;
  /** The minute list's entries in the range, once read (edge minutes are read to count them). */
  entries?: Entry[];
}

const LEVEL_OF = new Map<string, number>(TIME_LEVELS.map((l, i) => [l.prefix, i]));

/** The first and last ms of the unit an ISO prefix names (`2026`, `2026-12`, …, `2026-12-06T11:50`). */
export function unitBounds(iso: string): [number, number] {
  if (iso === '') return [-Infinity, Infinity];
  const y = Number(iso.slice(0, 4));
  const mo = iso.length >= 7 ? Number(iso.slice(5, 7)) - 1 : 0;
  const d = iso.length >= 10 ? Number(iso.slice(8, 10)) : 1;
  const h = iso.length >= 13 ? Number(iso.slice(11, 13)) : 0;
  const mi = iso.length >= 16 ? Number(iso.slice(14, 16)) : 0;
  const start = Date.UTC(y, mo, d, h, mi);
  let next: number;
  if (iso.length === 4) next = Date.UTC(y + 1, 0, 1);
  else if (iso.length === 7) next = Date.UTC(y, mo + 1, 1);
  else if (iso.length === 10) next = start + 86_400_000;
  else if (iso.length === 13) next = start + 3_600_000;
  else next = start + 60_000;
  return [start, next - 1];
}

/** The key of a head's child named `name` (the next level down: a month of a year, …, a minute of an hour). */
function childKey(key: string, name: string): string {
  const level = LEVEL_OF.get(key.slice(0, 3)) ?? 0;
  const iso = key.slice(3);
  const sep = ['', '-', '-', 'T', ':'][level] ?? '';
  const prefix = TIME_LEVELS[level + 1]?.prefix ?? MINUTE_PREFIX;
  return `${prefix}${iso}${sep}${name}`;
}

/**
 * The parts of [from, to] (ms, inclusive), in time order, with the records of each: the heads inside
 * the range as they are (counted by their parents), those across an end opened, down to the minute
 * lists at the two ends, whose entries are read and cut to the range. A few point reads per level
 * and end, whatever the range and the log's size.
 */
export class TimeSources {
  constructor(private readonly index: PostingIndex) {}

  async parts(from: number, to: number): Promise<TimePart[]> {
    // From the smallest unit holding both ends (the hour of a last-minute query), not from the root.
    const a = Number.isFinite(from) && from > 0 ? new Date(from).toISOString() : '';
    const b = Number.isFinite(to) && to < 253402300799999 ? new Date(to).toISOString() : '';
    let level = 0;
    for (let l = TIME_LEVELS.length - 1; l > 0; l--) {
      const length = TIME_LEVELS[l]?.length ?? 0;
      if (a !== '' && a.slice(0, length) === b.slice(0, length)) {
        level = l;
        break;
      }
    }
    if (a !== '' && a.slice(0, MINUTE_LENGTH) === b.slice(0, MINUTE_LENGTH)) return this.open([{ key: `${MINUTE_PREFIX}${a.slice(0, MINUTE_LENGTH)}`, count: -1, lo: 0, hi: 0 }], from, to);
    const top = TIME_LEVELS[level] ?? TIME_LEVELS[0];
    return this.open([{ key: `${top.prefix}${a.slice(0, top.length)}`, count: -1, lo: 0, hi: 0 }], from, to);
  }

  /** Opens every part that crosses an end of the range (or whose count is not known yet). */
  private async open(parts: TimePart[], from: number, to: number): Promise<TimePart[]> {
    // The parts across the two ends are opened side by side (a read per level and end, not one after another).
    const opened = await Promise.all(
      parts.map(async (part): Promise<TimePart[]> => {
        const [start, end] = unitBounds(part.key.slice(3));
        if (end < from || start > to) return [];
        const inside = start >= from && end <= to;
        if (inside && part.count >= 0) return [part];
        if (part.key.startsWith(MINUTE_PREFIX)) {
          const entries = await this.index.entries(part.key, from, to);
          return entries.length > 0 ? [{ ...part, count: entries.length, lo: entries[0]?.seq ?? 0, hi: entries[entries.length - 1]?.seq ?? 0, entries }] : [];
        }
        return this.open(await this.children(part.key), from, to);
      }),
    );
    return opened.flat();
  }

  /** A head's children in time order, each counted. */
  async children(key: string): Promise<TimePart[]> {
    const n = await this.index.childCounts(key);
    return Object.keys(n)
      .sort()
      .map((name) => {
        const [count, lo, hi] = n[name] as [number, number, number];
        return { key: childKey(key, name), count, lo, hi };
      });
  }

  /** A part's entries in [from, to] (a head is read down to its minutes), in time order, ties by seq. */
  async entries(part: TimePart, from: number, to: number): Promise<Entry[]> {
    if (part.entries) return part.entries;
    if (part.key.startsWith(MINUTE_PREFIX)) return this.index.entries(part.key, from, to);
    const out: Entry[] = [];
    for (const child of await this.children(part.key)) out.push(...(await this.entries(child, from, to)));
    return out;
  }
}
