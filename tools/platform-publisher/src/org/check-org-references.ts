import { type OrgFile, orgFileSchema } from './org-file.schema';
import { type OrgFileIssue } from './org-file-error';
import { formatYamlPath, type YamlPath } from './yaml-path';

/**
 * What the schema cannot see: ids unique per kind, namespaces unique, and every reference (parent,
 * group membership) naming an entity of the file. Returns all problems, in file order.
 */
export function checkOrgReferences(org: OrgFile): OrgFileIssue[] {
  const issues: OrgFileIssue[] = [];
  const tenants = indexUnique(org.tenants, 'tenants', 'id', 'tenant id', issues);
  const clusters = indexUnique(org.clusters, 'clusters', 'id', 'cluster id', issues);
  const departments = indexUnique(org.departments, 'departments', 'id', 'department id', issues);
  indexUnique(org.projects, 'projects', 'id', 'project id', issues);
  indexUnique(org.projects, 'projects', 'namespace', 'namespace', issues);
  const groups = indexUnique(org.groups, 'groups', 'id', 'group id', issues);
  indexUnique(org.users, 'users', 'id', 'user id', issues);

  const reference = (known: ReadonlySet<string>, value: string, path: YamlPath, what: string): void => {
    if (!known.has(value)) issues.push({ path, message: `unknown ${what} "${value}"` });
  };
  org.clusters.forEach((c, i) => reference(tenants, c.tenantId, ['clusters', i, 'tenantId'], 'tenant'));
  org.departments.forEach((d, i) => reference(clusters, d.clusterId, ['departments', i, 'clusterId'], 'cluster'));
  org.projects.forEach((p, i) => reference(departments, p.departmentId, ['projects', i, 'departmentId'], 'department'));
  org.users.forEach((u, i) => {
    const seen = new Set<string>();
    u.groups.forEach((g, j) => {
      const path = ['users', i, 'groups', j];
      if (seen.has(g)) issues.push({ path, message: `group "${g}" listed twice` });
      seen.add(g);
      reference(groups, g, path, 'group');
    });
  });
  return issues.sort((a, b) => compareOrder(a.path, b.path));
}

function indexUnique<T, K extends keyof T & string>(items: readonly T[], list: string, key: K, what: string, issues: OrgFileIssue[]): Set<string> {
  const firstAt = new Map<string, number>();
  items.forEach((item, i) => {
    const value = String(item[key]);
    const first = firstAt.get(value);
    if (first === undefined) firstAt.set(value, i);
    else issues.push({ path: [list, i, key], message: `duplicate ${what} "${value}" (first at ${formatYamlPath([list, first])})` });
  });
  return new Set(firstAt.keys());
}

/** File order: by list as the file schema declares them, then by index, so messages read top to bottom. */
function compareOrder(a: YamlPath, b: YamlPath): number {
  const lists = Object.keys(orgFileSchema.shape);
  const rank = (p: YamlPath): [number, number, number] => [lists.indexOf(String(p[0])), Number(p[1] ?? 0), Number(p[3] ?? -1)];
  const [ra, rb] = [rank(a), rank(b)];
  return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
}
