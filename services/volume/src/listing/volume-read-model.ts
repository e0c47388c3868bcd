import { type DataVolume, type DataVolumeField } from '@dv/contracts';
import { type TombstoneLimits, Tombstones, type VolumeViewEvent, scopeKey } from '@dv/org';
import { type ListOrder, type VolumeSelector, comparatorOf, listFilterTest, orderKey, selectorTest } from './volume-query';

export interface ListQuery extends ListOrder {
  filterBy: readonly string[];
  search?: string | undefined;
  offset: number;
  limit: number;
}

export interface ListResult {
  /** How many volumes match (paging ignored). */
  total: number;
  /** The page: at most `limit` volumes from `offset`. Shared with the model: never mutate them. */
  page: DataVolume[];
}

type Index = Map<string, Set<DataVolume>>;

/** A selection naming fewer volumes than this share of all is gathered first (else its test runs on every volume)… */
const GATHER_BELOW = 1 / 2;
/** …and one naming fewer than this share (or at most SORT_AT_MOST) is sorted on its own rather than looked up in a sorted view. */
const SORT_BELOW = 1 / 32;
const SORT_AT_MOST = 64;

/**
 * The live data volumes of this replica in memory, from the volume service's own events (each carries
 * the whole volume), and which scopes each is shared with, from the sharing service's events (each
 * carries the whole list), for list and count: selection by origin (project, department, cluster),
 * by the scopes a volume is shared with, or by id; the list filters and search, the sort (field, then
 * id) and paging. A change applies only if its version is newer than the one held (a deleted volume
 * leaves a bounded tombstone with its version), so replays and duplicates are harmless.
 *
 * Each order asked for is kept as a sorted array, updated in place on every change (binary search and
 * splice). A query walks that array once, testing selection and filters, counting every match and
 * keeping the page; when the selection names few volumes (a project and what is shared with it,
 * say), it sorts just those instead.
 */
export class VolumeReadModel {
  private readonly volumes = new Map<string, DataVolume>();
  /** The version at which a volume was deleted (an older event cannot bring it back); bounded. */
  private readonly deleted: Tombstones;
  /** Each volume's sharing list (scope keys) at its list version, and the reverse: scope key → volume ids. */
  private readonly lists = new Map<string, { version: number; keys: Set<string> }>();
  private readonly sharedWith = new Map<string, Set<string>>();
  private readonly byProject: Index = new Map();
  private readonly byDepartment: Index = new Map();
  private readonly byCluster: Index = new Map();
  private readonly sorted = new Map<string, { compare: (a: DataVolume, b: DataVolume) => number; items: DataVolume[] }>();

  constructor(tombstones?: TombstoneLimits) {
    this.deleted = new Tombstones(tombstones);
  }

  get size(): number {
    return this.volumes.size;
  }

  /** How many deleted volumes are remembered (bounded by the tombstone limits). */
  get tombstones(): number {
    return this.deleted.size;
  }

  get(id: string): DataVolume | undefined {
    return this.volumes.get(id);
  }

  /** Applies what a domain event says about a volume or its list (volumeViewEventOf). */
  applyEvent(event: VolumeViewEvent): boolean {
    if (event.kind === 'volume') return this.apply(event.volume, event.deleted, event.at);
    return this.applyList(
      event.volumeId,
      event.scopes.map((s) => scopeKey(s.scopeType, s.scopeId)),
      event.version,
      event.at,
    );
  }

  /**
   * Applies a volume as an event carries it (deleted: the volume is gone, and so is its sharing list;
   * `at` is the deletion's event time, ms); false when it is not newer than what is held.
   */
  apply(volume: DataVolume, deleted: boolean, at = Date.now()): boolean {
    const held = this.volumes.get(volume.id);
    if (!this.deleted.admits(volume.id, volume.version, deleted, held?.version, at)) return false;
    if (held) this.remove(held);
    if (deleted) {
      this.dropList(volume.id);
      this.deleted.add(volume.id, volume.version, at);
      return true;
    }
    this.deleted.delete(volume.id);
    this.insert(volume);
    return true;
  }

  /**
   * Applies a volume's sharing list (scope keys) at its list version, made at `at` ms; false when not
   * newer, or the volume is deleted (or not held and possibly deleted and forgotten: Tombstones).
   */
  applyList(volumeId: string, keys: readonly string[], version: number, at = Date.now()): boolean {
    if (!this.volumes.has(volumeId) && !this.deleted.admitsAbout(volumeId, at)) return false;
    const held = this.lists.get(volumeId);
    if (held && held.version >= version) return false;
    for (const key of held?.keys ?? []) dropId(this.sharedWith, key, volumeId);
    for (const key of keys) addId(this.sharedWith, key, volumeId);
    this.lists.set(volumeId, { version, keys: new Set(keys) });
    return true;
  }

  /** The scope keys a volume is shared with. */
  sharedKeys(volumeId: string): ReadonlySet<string> | undefined {
    return this.lists.get(volumeId)?.keys;
  }

  /** The volumes selected, filtered, ordered and paged. */
  query(selector: VolumeSelector, query: ListQuery): ListResult {
    const test = listFilterTest(query.filterBy, query.search);
    const { field, desc } = orderKey(query);
    const end = query.offset + query.limit;
    const candidates = this.candidates(selector);
    if (candidates && (candidates.size <= SORT_AT_MOST || candidates.size < this.volumes.size * SORT_BELOW)) {
      const list = test ? [...candidates].filter(test) : [...candidates];
      list.sort(comparatorOf(field, desc));
      return { total: list.length, page: list.slice(query.offset, end) };
    }
    const ordered = this.ordered(field, desc);
    if (selector.all && !test) return { total: ordered.length, page: ordered.slice(query.offset, end) };
    const selected = candidates ? combine((v) => candidates.has(v), test) : combine(selector.all ? undefined : this.selection(selector), test);
    // With the volumes gathered, the total is known without the order: walk it only up to the page's end.
    const known = candidates ? (test ? countOf(candidates, test) : candidates.size) : undefined;
    const page: DataVolume[] = [];
    let seen = 0;
    for (const v of ordered) {
      if (selected && !selected(v)) continue;
      if (seen >= query.offset && seen < end) page.push(v);
      seen++;
      if (known !== undefined && seen >= end) break;
    }
    return { total: known ?? seen, page };
  }

  /** How many volumes the same query selects (no order, no paging). */
  count(selector: VolumeSelector, filterBy: readonly string[], search: string | undefined): number {
    const test = listFilterTest(filterBy, search);
    const candidates = this.candidates(selector);
    if (candidates) return test ? countOf(candidates, test) : candidates.size;
    const selected = combine(selector.all ? undefined : this.selection(selector), test);
    return selected ? countOf(this.volumes.values(), selected) : this.volumes.size;
  }

  private selection(selector: VolumeSelector): Test {
    return selectorTest(selector, (id) => this.lists.get(id)?.keys);
  }

  private dropList(volumeId: string): void {
    for (const key of this.lists.get(volumeId)?.keys ?? []) dropId(this.sharedWith, key, volumeId);
    this.lists.delete(volumeId);
  }

  /** The selected volumes when they are not most of them (gathered from the indexes); undefined: test every volume. */
  private candidates(selector: VolumeSelector): Set<DataVolume> | undefined {
    if (selector.all) return undefined;
    let estimate = selector.ids?.length ?? 0;
    const sets: Set<DataVolume>[] = [];
    const collect = (index: Index, keys: readonly string[] | undefined): void => {
      for (const key of keys ?? []) {
        const set = index.get(key);
        if (set) {
          sets.push(set);
          estimate += set.size;
        }
      }
    };
    collect(this.byProject, selector.projects);
    collect(this.byDepartment, selector.departments);
    collect(this.byCluster, selector.clusters);
    const shared: Set<string>[] = [];
    for (const key of selector.sharedWith ?? []) {
      const ids = this.sharedWith.get(key);
      if (ids) {
        shared.push(ids);
        estimate += ids.size;
      }
    }
    if (estimate > SORT_AT_MOST && estimate >= this.volumes.size * GATHER_BELOW) return undefined;
    const out = new Set<DataVolume>();
    for (const set of sets) for (const v of set) out.add(v);
    for (const ids of shared) {
      for (const id of ids) {
        const v = this.volumes.get(id);
        if (v) out.add(v);
      }
    }
    for (const id of selector.ids ?? []) {
      const v = this.volumes.get(id);
      if (v) out.add(v);
    }
    return out;
  }

  /** Every live volume in an order (built on first use, then kept current). */
  private ordered(field: DataVolumeField, desc: boolean): DataVolume[] {
    const key = `${field}:${desc ? 'desc' : 'asc'}`;
    let view = this.sorted.get(key);
    if (!view) {
      const compare = comparatorOf(field, desc);
      view = { compare, items: [...this.volumes.values()].sort(compare) };
      this.sorted.set(key, view);
    }
    return view.items;
  }

  private insert(v: DataVolume): void {
    this.volumes.set(v.id, v);
    add(this.byProject, v.projectId, v);
    add(this.byDepartment, v.departmentId, v);
    add(this.byCluster, v.clusterId, v);
    for (const view of this.sorted.values()) view.items.splice(lowerBound(view.items, v, view.compare), 0, v);
  }

  private remove(v: DataVolume): void {
    this.volumes.delete(v.id);
    drop(this.byProject, v.projectId, v);
    drop(this.byDepartment, v.departmentId, v);
    drop(this.byCluster, v.clusterId, v);
    for (const view of this.sorted.values()) {
      let at = lowerBound(view.items, v, view.compare);
      if (view.items[at] !== v) at = view.items.indexOf(v);
      if (at >= 0) view.items.splice(at, 1);
    }
  }
}

type Test = (v: DataVolume) => boolean;

function combine(a: Test | undefined, b: Test | undefined): Test | undefined {
  return a && b ? (v) => a(v) && b(v) : (a ?? b);
}

function countOf(volumes: Iterable<DataVolume>, test: Test): number {
  let n = 0;
  for (const v of volumes) if (test(v)) n++;
  return n;
}

function add(index: Index, key: string, v: DataVolume): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(v);
}

function addId(index: Map<string, Set<string>>, key: string, id: string): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(id);
}

function dropId(index: Map<string, Set<string>>, key: string, id: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) index.delete(key);
}

function drop(index: Index, key: string, v: DataVolume): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(v);
  if (set.size === 0) index.delete(key);
}

/** The first position whose item does not sort before v. */
function lowerBound(items: readonly DataVolume[], v: DataVolume, compare: (a: DataVolume, b: DataVolume) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const item = items[mid];
    if (item !== undefined && compare(item, v) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
