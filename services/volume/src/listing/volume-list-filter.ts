import { type DataVolumeField, type ParsedFilter, type PermittedScopeSet, parseFilter } from '@dv/contracts';

/** A MongoDB filter on the volumes collection (the portable subset FerretDB runs: $and/$or/$nor, $in, $regex). */
export type MongoFilter = Record<string, unknown>;

/** Where each list field lives in the stored document. */
export const FIELD_PATHS: Readonly<Record<DataVolumeField, string>> = {
  name: 'name',
  projectId: 'projectId',
  clusterId: 'clusterId',
  departmentId: 'departmentId',
  projectName: 'projectName',
  createdAt: 'createdAt',
  createdBy: 'createdBy',
  phase: 'status.phase',
};

const SEARCH_PATHS = ['name', 'description', 'projectName'] as const;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function contains(text: string): { $regex: string; $options: string } {
  return { $regex: escapeRegex(text), $options: 'i' };
}

/** One `field<op>value` item: equality is exact, the text operators ignore case. */
export function filterItemToMongo(filter: ParsedFilter): MongoFilter {
  const path = FIELD_PATHS[filter.field as DataVolumeField];
  const v = filter.value;
  switch (filter.op) {
    case '==':
      return { [path]: v };
    case '!=':
      return { [path]: { $ne: v } };
    case '<=':
      return { [path]: { $lte: v } };
    case '>=':
      return { [path]: { $gte: v } };
    case '=@':
      return { [path]: contains(v) };
    case '!@':
      return { $nor: [{ [path]: contains(v) }] };
    case '=^':
      return { [path]: { $regex: `^${escapeRegex(v)}`, $options: 'i' } };
    case '=$':
      return { [path]: { $regex: `${escapeRegex(v)}$`, $options: 'i' } };
  }
}

/**
 * The volumes whose origin lies in a permitted scope set (permitted tenants given as their clusters).
 * Undefined means everything (system); an empty set matches nothing.
 */
export function scopeSetToMongo(set: PermittedScopeSet | undefined, clustersOfTenants: readonly string[]): MongoFilter {
  if (!set) return { _id: { $in: [] } };
  if (set.system) return {};
  const or: MongoFilter[] = [];
  const clusters = [...new Set([...set.clusters, ...clustersOfTenants])];
  if (clusters.length > 0) or.push({ clusterId: { $in: clusters } });
  if (set.departments.length > 0) or.push({ departmentId: { $in: set.departments } });
  if (set.projects.length > 0) or.push({ projectId: { $in: set.projects } });
  return or.length === 0 ? { _id: { $in: [] } } : { $or: or };
}

/** Every part must hold: the scope restriction, each filter, and the search (any of name, description, project name). */
export function listFilterToMongo(base: MongoFilter, filterBy: readonly string[], search: string | undefined): MongoFilter {
  const and: MongoFilter[] = [base];
  for (const raw of filterBy) {
    const parsed = parseFilter(raw);
    if (parsed) and.push(filterItemToMongo(parsed));
  }
  const needle = search?.trim();
  if (needle) and.push({ $or: SEARCH_PATHS.map((p) => ({ [p]: contains(needle) })) });
  return { $and: and };
}
