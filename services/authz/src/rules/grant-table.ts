import { type SubjectType } from '@dv/contracts';
import { randomInt } from 'node:crypto';

/** Region header: [count, capacity, subject type << 16 | id length], then the id (two UTF-16 code units per int). */
const COUNT = 0;
const CAPACITY = 1;
const KEY = 2;
const HEADER = 3;
const FIRST_CAPACITY = 2;
const MIN_INTS = 4096;
const MIN_SLOTS = 1024;
const EMPTY = -1;
/** Up to this many entries a region is scanned; above, each of the (at most five) ancestors is binary-searched. */
const SCAN_MAX = 16;

const TYPE_CODE: Readonly<Record<SubjectType, number>> = { user: 1, group: 2, app: 3, 'service-account': 4 };

/** Ints holding an id of this many UTF-16 code units. */
function keyInts(length: number): number {
  return (length + 1) >> 1;
}

/**
 * What the decision hot path reads: each principal's grants, packed in one Int32Array. A principal
 * (subject type and id) with active rules owns a region of `data` holding its id and, for each scope
 * where it has some, the scope's dense id (ScopeIds) and the id of the OR of those rules' masks
 * (MaskTable):
 *
 *     [count, capacity, type << 16 | id length, id …, scope × capacity, mask × capacity]
 *
 * Principals are found through an open-addressing hash table of (hash of type and id, region
 * offset), and the id is compared with the copy at the start of the region, which the check reads
 * next anyway. A lookup thus touches one slot and the region: no map entries, key strings or objects
 * per principal, rule or scope, and nothing is allocated. A full region moves to a new one twice
 * its size; abandoned regions are reclaimed when the array is repacked (on growth). A region's
 * entries are sorted by scope id: a principal with few entries (the common case) is scanned, one
 * with many (a group granted in thousands of projects) is binary-searched for each ancestor of the
 * checked scope, so a check costs O(5 log n) however many scopes a principal holds.
 */
export class GrantTable {
  /** The regions. Replaced when repacked: read it again after any change. */
  data = new Int32Array(MIN_INTS);
  private top = 0;
  private wasted = 0;
  /** Pairs (hash, region offset); region EMPTY for a free slot. Linear probing, at most half full. */
  private slots = new Int32Array(2 * MIN_SLOTS).fill(EMPTY);
  private slotMask = MIN_SLOTS - 1;
  private count = 0;
  /** Per process, so that ids cannot be chosen to collide. */
  private readonly seed = randomInt(0x7fffffff);
  /** The scope id of the last match of `nearest` (decisions are synchronous: one slot serves all). */
  found = -1;

  /** Principals with at least one grant. */
  get principals(): number {
    return this.count;
  }

  private hash(type: number, id: string): number {
    let h = this.seed ^ Math.imul(type, 0x9e3779b1);
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /** Whether the region belongs to this principal. */
  private holds(region: number, type: number, id: string): boolean {
    const d = this.data;
    const length = id.length;
    if (d[region + KEY] !== ((type << 16) | length)) return false;
    const key = region + HEADER;
    for (let i = 0, k = 0; i < length; i += 2, k++) {
      if (d[key + k] !== (id.charCodeAt(i) | ((id.charCodeAt(i + 1) | 0) << 16))) return false;
    }
    return true;
  }

  /** The slot of the principal, or -1. */
  private slotOf(type: number, id: string, h: number): number {
    const slots = this.slots;
    const mask = this.slotMask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const region = slots[2 * i + 1] as number;
      if (region === EMPTY) return -1;
      if (slots[2 * i] === h && this.holds(region, type, id)) return i;
    }
  }

  /** The principal's region offset, or -1 when it has no grants. */
  region(subjectType: SubjectType, subjectId: string): number {
    const type = TYPE_CODE[subjectType];
    const slot = this.slotOf(type, subjectId, this.hash(type, subjectId));
    return slot < 0 ? -1 : (this.slots[2 * slot + 1] as number);
  }

  groupRegion(groupId: string): number {
    const slot = this.slotOf(2, groupId, this.hash(2, groupId));
    return slot < 0 ? -1 : (this.slots[2 * slot + 1] as number);
  }

  /**
   * The hot path: the lowest level of a scope of this region whose mask grants `bit` on resource
   * `r`, if lower than `below`; else `below`. `levelOf[scopeId]` is 1 + the distance from the
   * checked scope up to that scope when it is the checked scope or an ancestor, 0 otherwise;
   * `marked[0 .. depth)` are those scope ids, nearest first (-1 for a scope no rule was ever at).
   * Sets `found` to the scope id of the match.
   */
  nearest(
    region: number,
    levelOf: Uint8Array,
    marked: Int32Array,
    depth: number,
    masks: Uint8Array,
    stride: number,
    r: number,
    bit: number,
    below: number,
  ): number {
    const d = this.data;
    const count = d[region + COUNT] as number;
    const scopes = region + HEADER + keyInts((d[region + KEY] as number) & 0xffff);
    const maskIds = scopes + (d[region + CAPACITY] as number);
    if (count > SCAN_MAX) {
      for (let level = 1; level <= depth && level < below; level++) {
        const scope = marked[level - 1] as number;
        if (scope < 0) continue;
        const i = search(d, scopes, count, scope);
        if (i >= 0 && ((masks[(d[maskIds + i] as number) * stride + r] as number) & bit) !== 0) {
          this.found = scope;
          return level;
        }
      }
      return below;
    }
    let best = below;
    for (let i = 0; i < count; i++) {
      const scope = d[scopes + i] as number;
      const level = levelOf[scope] as number;
      if (level !== 0 && level < best && ((masks[(d[maskIds + i] as number) * stride + r] as number) & bit) !== 0) {
        best = level;
        this.found = scope;
      }
    }
    return best;
  }

  /** The mask id of the principal at the scope, or -1. */
  maskAt(subjectType: SubjectType, subjectId: string, scope: number): number {
    const region = this.region(subjectType, subjectId);
    if (region < 0) return -1;
    const i = this.indexIn(region, scope);
    return i < 0 ? -1 : (this.data[this.masksOf(region) + i] as number);
  }

  /** Each (scope id, mask id) of the principal. */
  entries(subjectType: SubjectType, subjectId: string): [scope: number, mask: number][] {
    const region = this.region(subjectType, subjectId);
    if (region < 0) return [];
    const d = this.data;
    const scopes = this.scopesOf(region);
    const masks = this.masksOf(region);
    const out: [number, number][] = [];
    for (let i = 0; i < (d[region + COUNT] as number); i++) out.push([d[scopes + i] as number, d[masks + i] as number]);
    return out;
  }

  /** Sets the principal's mask at the scope (adding the entry, and the principal, if new). */
  set(subjectType: SubjectType, subjectId: string, scope: number, mask: number): void {
    const type = TYPE_CODE[subjectType];
    const h = this.hash(type, subjectId);
    let slot = this.slotOf(type, subjectId, h);
    if (slot < 0) slot = this.insert(h, this.allocFor(type, subjectId, FIRST_CAPACITY));
    let region = this.slots[2 * slot + 1] as number;
    const i = this.indexIn(region, scope);
    if (i >= 0) {
      this.data[this.masksOf(region) + i] = mask;
      return;
    }
    if (this.data[region + COUNT] === this.data[region + CAPACITY]) region = this.grow(slot);
    const d = this.data;
    const count = d[region + COUNT] as number;
    const scopes = this.scopesOf(region);
    const masks = this.masksOf(region);
    // Keep the entries sorted by scope id: shift the greater ones up by one.
    const at = -1 - search(d, scopes, count, scope);
    d.copyWithin(scopes + at + 1, scopes + at, scopes + count);
    d.copyWithin(masks + at + 1, masks + at, masks + count);
    d[scopes + at] = scope;
    d[masks + at] = mask;
    d[region + COUNT] = count + 1;
  }

  /** Removes the principal's entry at the scope (and the principal when it was its last). */
  delete(subjectType: SubjectType, subjectId: string, scope: number): boolean {
    const type = TYPE_CODE[subjectType];
    const slot = this.slotOf(type, subjectId, this.hash(type, subjectId));
    if (slot < 0) return false;
    const region = this.slots[2 * slot + 1] as number;
    const i = this.indexIn(region, scope);
    if (i < 0) return false;
    const d = this.data;
    const count = d[region + COUNT] as number;
    const scopes = this.scopesOf(region);
    const masks = this.masksOf(region);
    d.copyWithin(scopes + i, scopes + i + 1, scopes + count);
    d.copyWithin(masks + i, masks + i + 1, masks + count);
    d[region + COUNT] = count - 1;
    if (count === 1) {
      this.wasted += this.sizeOf(region);
      this.remove(slot);
    }
    return true;
  }

  private scopesOf(region: number): number {
    return region + HEADER + keyInts((this.data[region + KEY] as number) & 0xffff);
  }

  private masksOf(region: number): number {
    return this.scopesOf(region) + (this.data[region + CAPACITY] as number);
  }

  private sizeOf(region: number): number {
    return this.masksOf(region) + (this.data[region + CAPACITY] as number) - region;
  }

  private indexIn(region: number, scope: number): number {
    const i = search(this.data, this.scopesOf(region), this.data[region + COUNT] as number, scope);
    return i >= 0 ? i : -1;
  }

  /** A new empty region for the principal, with its id written. */
  private allocFor(type: number, id: string, capacity: number): number {
    if (id.length > 0xffff) throw new Error(`a subject id of ${id.length} characters is too long for the grant table`);
    const region = this.alloc(HEADER + keyInts(id.length) + 2 * capacity);
    const d = this.data;
    d[region + COUNT] = 0;
    d[region + CAPACITY] = capacity;
    d[region + KEY] = (type << 16) | id.length;
    for (let i = 0, k = 0; i < id.length; i += 2, k++) d[region + HEADER + k] = id.charCodeAt(i) | ((id.charCodeAt(i + 1) | 0) << 16);
    return region;
  }

  /** Moves the slot's full region to a new one of twice the capacity; returns its offset. */
  private grow(slot: number): number {
    const capacity = this.data[(this.slots[2 * slot + 1] as number) + CAPACITY] as number;
    const keyLength = (this.data[(this.slots[2 * slot + 1] as number) + KEY] as number) & 0xffff;
    const moved = this.alloc(HEADER + keyInts(keyLength) + 4 * capacity);
    const from = this.slots[2 * slot + 1] as number; // alloc may have repacked: the region may have moved
    const d = this.data;
    const count = d[from + COUNT] as number;
    const head = HEADER + keyInts(keyLength);
    d.copyWithin(moved, from, from + head + count);
    d[moved + CAPACITY] = capacity * 2;
    d.copyWithin(moved + head + capacity * 2, from + head + capacity, from + head + capacity + count);
    this.wasted += head + 2 * capacity;
    this.slots[2 * slot + 1] = moved;
    return moved;
  }

  /** `ints` free ints at the top of `data`. */
  private alloc(ints: number): number {
    if (this.top + ints > this.data.length) this.repack(ints);
    const region = this.top;
    this.top += ints;
    return region;
  }

  /** Copies the live regions into a new array with room for `extra` more ints. */
  private repack(extra: number): void {
    const live = this.top - this.wasted;
    let size = MIN_INTS;
    while (size < 2 * (live + extra)) size *= 2;
    const from = this.data;
    const to = new Int32Array(size);
    let top = 0;
    const slots = this.slots;
    for (let i = 0; i <= this.slotMask; i++) {
      const region = slots[2 * i + 1] as number;
      if (region === EMPTY) continue;
      const capacity = from[region + CAPACITY] as number;
      const ints = HEADER + keyInts((from[region + KEY] as number) & 0xffff) + 2 * capacity;
      to.set(from.subarray(region, region + ints), top);
      slots[2 * i + 1] = top;
      top += ints;
    }
    this.data = to;
    this.top = top;
    this.wasted = 0;
  }

  /** Adds a slot for a new principal's region; returns the slot. */
  private insert(h: number, region: number): number {
    if (2 * (this.count + 1) > this.slotMask + 1) this.rehash();
    const slots = this.slots;
    const mask = this.slotMask;
    let i = h & mask;
    while (slots[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
    slots[2 * i] = h;
    slots[2 * i + 1] = region;
    this.count++;
    return i;
  }

  /** Frees a slot (backward-shift deletion: no tombstones, probes stay short). */
  private remove(slot: number): void {
    const slots = this.slots;
    const mask = this.slotMask;
    let hole = slot;
    for (let i = (slot + 1) & mask; slots[2 * i + 1] !== EMPTY; i = (i + 1) & mask) {
      const home = (slots[2 * i] as number) & mask;
      // Move i into the hole if its home is not in (hole, i] (cyclically).
      if ((i > hole && (home <= hole || home > i)) || (i < hole && home <= hole && home > i)) {
        slots[2 * hole] = slots[2 * i] as number;
        slots[2 * hole + 1] = slots[2 * i + 1] as number;
        hole = i;
      }
    }
    slots[2 * hole + 1] = EMPTY;
    this.count--;
  }

  private rehash(): void {
    const old = this.slots;
    const size = 2 * (this.slotMask + 1);
    const slots = new Int32Array(2 * size).fill(EMPTY);
    const mask = size - 1;
    for (let j = 0; j < old.length; j += 2) {
      const region = old[j + 1] as number;
      if (region === EMPTY) continue;
      const h = old[j] as number;
      let i = h & mask;
      while (slots[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
      slots[2 * i] = h;
      slots[2 * i + 1] = region;
    }
    this.slots = slots;
    this.slotMask = mask;
  }
}

/** Binary search of `scope` in the sorted ints `d[from .. from + count)`: its index, or -1 - the index it would be inserted at. */
function search(d: Int32Array, from: number, count: number, scope: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = d[from + mid] as number;
    if (v < scope) lo = mid + 1;
    else if (v > scope) hi = mid - 1;
    else return mid;
  }
  return -1 - lo;
}
