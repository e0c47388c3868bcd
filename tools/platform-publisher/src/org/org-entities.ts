import { type OrgEntity } from './org-entity';
import { type OrgFile } from './org-file.schema';

/**
 * The file's entities as event payloads, parents before children (ORG_KINDS order), in file order
 * within a kind. A project's cluster is its department's: the file states it once.
 */
export function orgEntities(org: OrgFile): OrgEntity[] {
  const clusterOfDepartment = new Map(org.departments.map((d) => [d.id, d.clusterId]));
  return [
    ...org.tenants.map((t, i): OrgEntity => ({ kind: 'tenant', id: t.id, version: t.version, path: `tenants[${i}]`, data: { tenantId: t.id, name: t.name } })),
    ...org.clusters.map((c, i): OrgEntity => ({
      kind: 'cluster',
      id: c.id,
      version: c.version,
      path: `clusters[${i}]`,
      data: { clusterId: c.id, tenantId: c.tenantId, name: c.name },
    })),
    ...org.departments.map((d, i): OrgEntity => ({
      kind: 'department',
      id: d.id,
      version: d.version,
      path: `departments[${i}]`,
      data: { departmentId: d.id, clusterId: d.clusterId, name: d.name },
    })),
    ...org.projects.map((p, i): OrgEntity => {
      const clusterId = clusterOfDepartment.get(p.departmentId);
      // parseOrgFile checked every reference; reaching this is a bug, not bad input.
      if (clusterId === undefined) throw new Error(`projects[${i}].departmentId: unknown department "${p.departmentId}"`);
      return {
        kind: 'project',
        id: p.id,
        version: p.version,
        path: `projects[${i}]`,
        data: { projectId: p.id, departmentId: p.departmentId, clusterId, name: p.name, namespace: p.namespace },
      };
    }),
    ...org.groups.map((g, i): OrgEntity => ({ kind: 'group', id: g.id, version: g.version, path: `groups[${i}]`, data: { groupId: g.id, name: g.name } })),
    ...org.users.map((u, i): OrgEntity => ({
      kind: 'user',
      id: u.id,
      version: u.version,
      path: `users[${i}]`,
      // Membership order means nothing: sorted, so reordering the list is no change.
      data: { userId: u.id, ...(u.email !== undefined ? { email: u.email } : {}), groups: [...u.groups].sort() },
    })),
  ];
}
