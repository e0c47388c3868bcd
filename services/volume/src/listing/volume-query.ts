import { DATA_VOLUME_FIELDS, type DataVolume, type DataVolumeField, type ParsedFilter, type PermittedScopeSet, parseFilter } from '@dv/contracts';
import { scopeKey } from '@dv/org';

/**
 * The list semantics of data volumes, evaluated in memory: exactly what the MongoDB form of the same
 * query (volume-list-filter.ts) selects and how it orders, without a database. Strings compare by
 * code point (the byte order of UTF-8, as MongoDB and FerretDB compare strings without a collation);
 * the text operators ignore case (Unicode simple case folding).
 */

/**
 * Which volumes a list may show before its filters: a volume is selected if any part selects it.
 * Nothing set selects nothing.
 */
export interface VolumeSelector {
  /** Every volume (a system-wide right). */
  all?: boolean;
  ids?: readonly string[];
  projects?: readonly string[];
  departments?: readonly string[];
  clusters?: readonly string[];
  /** Volumes shared with any of these scopes (scope keys `<type>/<id>`, as `scopeKey` of @dv/org makes them). */
  sharedWith?: readonly string[];
}

/** The volumes originating in a permitted scope set (tenants given as their clusters): undefined selects nothing. */
export function selectorOfScopeSet(set: PermittedScopeSet | undefined, clustersOfTenants: readonly string[]): VolumeSelector {
  if (!set) return {};
  if (set.system) return { all: true };
  return { clusters: [...new Set([...set.clusters, ...clustersOfTenants])], departments: set.departments, projects: set.projects };
}

/** The volumes usable in a project: those originating there and those shared with it, its department or its cluster. */
export function selectorOfUsable(project: { projectId: string; departmentId: string; clusterId: string }): VolumeSelector {
  return {
    projects: [project.projectId],
    sharedWith: [scopeKey('project', project.projectId), scopeKey('department', project.departmentId), scopeKey('cluster', project.clusterId)],
  };
}

/** The volumes originating in a project and those with the given ids (what another service says is shared with it). */
export function selectorOfIds(projectId: string, volumeIds: readonly string[]): VolumeSelector {
  return { projects: [projectId], ids: volumeIds };
}

/**
 * A compiled selector: set membership (of the parts given), for scanning. `sharedKeysOf` tells the
 * scopes a volume is shared with (a selector with `sharedWith` selects nothing by it without).
 */
export function selectorTest(selector: VolumeSelector, sharedKeysOf?: (id: string) => ReadonlySet<string> | undefined): (v: DataVolume) => boolean {
  if (selector.all) return () => true;
  const parts: ((v: DataVolume) => boolean)[] = [];
  const member = (values: readonly string[] | undefined, get: (v: DataVolume) => string): void => {
    if (!values || values.length === 0) return;
    const set = new Set(values);
    parts.push((v) => set.has(get(v)));
  };
  member(selector.ids, (v) => v.id);
  member(selector.projects, (v) => v.projectId);
  member(selector.departments, (v) => v.departmentId);
  member(selector.clusters, (v) => v.clusterId);
  const shared = selector.sharedWith;
  if (shared && shared.length > 0 && sharedKeysOf) {
    parts.push((v) => {
      const keys = sharedKeysOf(v.id);
      return keys !== undefined && shared.some((k) => keys.has(k));
    });
  }
  if (parts.length === 0) return () => false;
  if (parts.length === 1) return parts[0] ?? (() => false);
  return (v) => parts.some((part) => part(v));
}

/** The value of a list field (filter and sort) of a volume. */
export const FIELD_VALUE: Readonly<Record<DataVolumeField, (v: DataVolume) => string>> = {
  name: (v) => v.name,
  projectId: (v) => v.projectId,
  clusterId: (v) => v.clusterId,
  departmentId: (v) => v.departmentId,
  projectName: (v) => v.projectName,
  createdAt: (v) => v.createdAt,
  createdBy: (v) => v.createdBy,
  phase: (v) => v.status.phase,
};

function isField(field: string): field is DataVolumeField {
  return (DATA_VOLUME_FIELDS as readonly string[]).includes(field);
}

/** Code point order (= UTF-8 byte order): UTF-16 order differs only between surrogates and U+E000–U+FFFF. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x >= 0xd800 && y >= 0xd800 ? rank(x) - rank(y) : x - y;
  }
  return a.length - b.length;
}

/** Above U+D7FF: U+E000–U+FFFF first, then the surrogates (characters beyond U+FFFF). */
function rank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function textPattern(prefix: string, value: string, suffix: string): RegExp {
  return new RegExp(`${prefix}${escapeRegex(value)}${suffix}`, 'iu');
}

/** One `field<op>value` item as a test: equality and order are exact, the text operators ignore case. An unknown field matches nothing. */
export function filterItemTest(filter: ParsedFilter): (v: DataVolume) => boolean {
  if (!isField(filter.field)) return () => false;
  const get = FIELD_VALUE[filter.field];
  const value = filter.value;
  switch (filter.op) {
    case '==':
      return (v) => get(v) === value;
    case '!=':
      return (v) => get(v) !== value;
    case '<=':
      return (v) => compareStrings(get(v), value) <= 0;
    case '>=':
      return (v) => compareStrings(get(v), value) >= 0;
    case '=@': {
      const re = textPattern('', value, '');
      return (v) => re.test(get(v));
    }
    case '!@': {
      const re = textPattern('', value, '');
      return (v) => !re.test(get(v));
    }
    case '=^': {
      const re = textPattern('^', value, '');
      return (v) => re.test(get(v));
    }
    case '=$': {
      const re = textPattern('', value, '$');
      return (v) => re.test(get(v));
    }
  }
}

/**
 * Every filter item and the search (any of name, description, project name contains it, ignoring
 * case) as one test; undefined when there is nothing to test. Items that do not parse are ignored
 * (the contract refuses them before).
 */
export function listFilterTest(filterBy: readonly string[], search: string | undefined): ((v: DataVolume) => boolean) | undefined {
  const tests: ((v: DataVolume) => boolean)[] = [];
  for (const raw of filterBy) {
    const parsed = parseFilter(raw);
    if (parsed) tests.push(filterItemTest(parsed));
  }
  const needle = search?.trim();
  if (needle) {
    const re = textPattern('', needle, '');
    tests.push((v) => re.test(v.name) || (v.description !== undefined && re.test(v.description)) || re.test(v.projectName));
  }
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (v) => {
    for (const test of tests) if (!test(v)) return false;
    return true;
  };
}

export interface ListOrder {
  sortBy?: DataVolumeField | undefined;
  sortOrder?: 'asc' | 'desc' | undefined;
}

/** The sort key of a list: the field (createdAt by default) in the asked order, then the id ascending. */
export function orderKey(order: ListOrder): { field: DataVolumeField; desc: boolean } {
  return order.sortBy ? { field: order.sortBy, desc: order.sortOrder === 'desc' } : { field: 'createdAt', desc: false };
}

/** The comparator of an order: as MongoDB's `{ <field>: ±1, _id: 1 }`. */
export function comparatorOf(field: DataVolumeField, desc: boolean): (a: DataVolume, b: DataVolume) => number {
  const get = FIELD_VALUE[field];
  const sign = desc ? -1 : 1;
  return (a, b) => sign * compareStrings(get(a), get(b)) || compareStrings(a.id, b.id);
}
