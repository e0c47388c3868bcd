import { orgEntities } from './org-entities';
import { parseOrgFile } from './parse-org-file';

const org = parseOrgFile(`
users:
  - { id: u1, email: u1@example.com, groups: [g2, g1] }
groups:
  - { id: g1, name: G1 }
  - { id: g2, name: G2 }
projects:
  - { id: p1, departmentId: d1, name: P, namespace: ns1, version: 3 }
departments:
  - { id: d1, clusterId: c1, name: D }
clusters:
  - { id: c1, tenantId: t1, name: C }
tenants:
  - { id: t1, name: T }
`);

describe('orgEntities', () => {
  it('lists parents before children whatever the file order, groups before the users naming them', () => {
    expect(orgEntities(org).map((e) => `${e.kind}:${e.id}`)).toEqual([
      'tenant:t1',
      'cluster:c1',
      'department:d1',
      'project:p1',
      'group:g1',
      'group:g2',
      'user:u1',
    ]);
  });

  it("turns entries into event payloads: a project gets its department's cluster, memberships are sorted", () => {
    const byKey = new Map(orgEntities(org).map((e) => [`${e.kind}:${e.id}`, e]));
    expect(byKey.get('project:p1')).toEqual({
      kind: 'project',
      id: 'p1',
      version: 3,
      path: 'projects[0]',
      data: { projectId: 'p1', departmentId: 'd1', clusterId: 'c1', name: 'P', namespace: 'ns1' },
    });
    expect(byKey.get('user:u1')?.data).toEqual({ userId: 'u1', email: 'u1@example.com', groups: ['g1', 'g2'] });
    expect(byKey.get('tenant:t1')?.data).toEqual({ tenantId: 't1', name: 'T' });
  });
});
