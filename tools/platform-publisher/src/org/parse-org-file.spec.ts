import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrgFileError, formatIssue } from './org-file-error';
import { parseOrgFile } from './parse-org-file';

const example = readFileSync(join(__dirname, '../../../../deploy/examples/org.yaml'), 'utf8');

/** The messages of the OrgFileError the text raises, one per problem. */
function problems(text: string): string[] {
  try {
    parseOrgFile(text, 'org.yaml');
  } catch (error: unknown) {
    if (error instanceof OrgFileError) {
      expect(error.message).toBe(`org.yaml: ${error.issues.map(formatIssue).join('; ')}`);
      return error.issues.map(formatIssue);
    }
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

const base = `
tenants:
  - { id: t1, name: T }
clusters:
  - { id: c1, tenantId: t1, name: C }
departments:
  - { id: d1, clusterId: c1, name: D }
groups:
  - { id: g1, name: G }
`;

describe('parseOrgFile', () => {
  it('accepts the shipped example: 1 tenant, 2 clusters, 3 departments, 5 projects, 3 groups, 6 users', () => {
    const org = parseOrgFile(example);
    expect([org.tenants, org.clusters, org.departments, org.projects, org.groups, org.users].map((l) => l.length)).toEqual([1, 2, 3, 5, 3, 6]);
    expect(org.projects.map((p) => p.namespace)).toEqual(['dv-proj-a', 'dv-proj-b', 'dv-proj-c', 'dv-proj-d', 'dv-proj-e']);
  });

  it('defaults missing lists to empty and keeps an optional version', () => {
    const org = parseOrgFile('tenants:\n  - { id: t1, name: T, version: 4 }\n');
    expect(org).toEqual({ tenants: [{ id: 't1', name: 'T', version: 4 }], clusters: [], departments: [], projects: [], groups: [], users: [] });
  });

  it('names each unknown parent by its path and line', () => {
    expect(
      problems(`${base}
projects:
  - { id: p1, departmentId: d9, name: P, namespace: ns1 }
`),
    ).toEqual(['projects[0].departmentId: unknown department "d9" (line 12)']);
    expect(
      problems(`
tenants:
  - { id: t1, name: T }
clusters:
  - { id: c1, tenantId: t1, name: C }
  - { id: c2, tenantId: t9, name: C2 }
departments:
  - { id: d1, clusterId: c7, name: D }
`),
    ).toEqual(['clusters[1].tenantId: unknown tenant "t9" (line 6)', 'departments[0].clusterId: unknown cluster "c7" (line 8)']);
  });

  it('rejects duplicate ids and namespaces, naming the first occurrence', () => {
    expect(
      problems(`${base}
  - { id: g1, name: G again }
projects:
  - { id: p1, departmentId: d1, name: P, namespace: ns1 }
  - { id: p1, departmentId: d1, name: P2, namespace: ns2 }
  - { id: p3, departmentId: d1, name: P3, namespace: ns1 }
`),
    ).toEqual([
      'projects[1].id: duplicate project id "p1" (first at projects[0]) (line 14)',
      'projects[2].namespace: duplicate namespace "ns1" (first at projects[0]) (line 15)',
      'groups[1].id: duplicate group id "g1" (first at groups[0]) (line 11)',
    ]);
  });

  it('checks group memberships', () => {
    expect(
      problems(`${base}
users:
  - { id: u1, groups: [g1, g2, g1] }
`),
    ).toEqual(['users[0].groups[1]: unknown group "g2" (line 12)', 'users[0].groups[2]: group "g1" listed twice (line 12)']);
  });

  it('reports schema problems all at once: missing and unknown keys, bad names and ids', () => {
    expect(
      problems(`
tenants:
  - id: t1
    nmae: T
clusters:
  - { id: "c:1", tenantId: t1, name: C }
projects:
  - { id: p1, departmentId: d1, name: P, namespace: Bad_NS, version: 0 }
users:
  - { id: u1, email: not-an-email }
`),
    ).toEqual([
      'tenants[0].name: is required (line 3)',
      'tenants[0].nmae: unknown key (line 4)',
      'clusters[0].id: must be usable as a Kubernetes label value: letters, digits, - _ . and at most 63 characters (line 6)',
      'projects[0].namespace: must be a Kubernetes namespace name (RFC 1123 label) (line 8)',
      'projects[0].version: Too small: expected number to be >=1 (line 8)',
      'users[0].email: Invalid email address (line 10)',
    ]);
  });

  it('rejects an unknown top-level list and a list that is not one', () => {
    expect(problems('tenant:\n  - { id: t1, name: T }\n')).toEqual(['tenant: unknown key (line 2)']);
    expect(problems('tenants: t1\n')).toEqual(['tenants: Invalid input: expected array, received string (line 1)']);
  });

  it('rejects an empty file and YAML syntax errors, saying where', () => {
    expect(problems('# nothing\n')).toEqual(['the file is empty: expected tenants, clusters, departments, projects, groups and users']);
    expect(problems('tenants: [\n')[0]).toMatch(/at line 2, column 1$/);
    expect(problems('tenants: []\ntenants: []\n')[0]).toMatch(/^Map keys must be unique at line 2, column 1$/);
  });
});
