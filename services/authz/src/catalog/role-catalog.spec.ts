import { RESOURCE_TYPES } from '@dv/contracts';
import { RoleCatalog } from './role-catalog';
import rolesJson from './roles.json';

describe('RoleCatalog', () => {
  const catalog = RoleCatalog.load();

  it('holds the 18 predefined roles, the 14 of the seeds among them', () => {
    expect(catalog.roles).toHaveLength(18);
    const seedRoles = [
      'Compute resource administrator',
      'Data source administrator',
      'Data volume administrator',
      'Department administrator',
      'Department viewer',
      'Editor',
      'Environment administrator',
      'L1 researcher',
      'L2 researcher',
      'ML engineer',
      'Research manager',
      'System administrator',
      'Template administrator',
      'Viewer',
    ];
    for (const name of seedRoles) expect(catalog.resolve(name)?.name).toBe(name);
  });

  it('compiles exactly the permissions of roles.json', () => {
    for (const raw of rolesJson.roles) {
      const role = catalog.get(raw.id);
      if (!role) throw new Error(`role ${raw.id} missing`);
      const permissions = raw.permissions as Record<string, string>;
      for (const resourceType of RESOURCE_TYPES) {
        const letters = permissions[resourceType] ?? '';
        expect([
          catalog.grants(role, resourceType, 'create'),
          catalog.grants(role, resourceType, 'read'),
          catalog.grants(role, resourceType, 'update'),
          catalog.grants(role, resourceType, 'delete'),
        ]).toEqual([letters.includes('c'), letters.includes('r'), letters.includes('u'), letters.includes('d')]);
      }
    }
  });

  it('resolves legacy names of older releases, case-insensitively', () => {
    expect(catalog.resolve('Admin')?.name).toBe('System administrator');
    expect(catalog.resolve('research manager')?.name).toBe('Research manager');
    expect(catalog.resolve('Department Admin')?.name).toBe('Department administrator');
    expect(catalog.resolve('Researcher')?.name).toBe('L1 researcher');
    expect(catalog.resolve('System administrator')?.view.legacyNames).toEqual(expect.arrayContaining(['Admin', 'System Admin']));
  });

  it('resolves ids given as numbers or digit strings and rejects unknown roles', () => {
    expect(catalog.resolve(2256)?.name).toBe('Data volume administrator');
    expect(catalog.resolve('2256')?.name).toBe('Data volume administrator');
    expect(catalog.resolve(2)).toBeUndefined();
    expect(catalog.resolve('Superuser')).toBeUndefined();
  });

  it('refuses a catalog with an unknown resource type or action letter', () => {
    const bad = { ...rolesJson, roles: [{ id: 1, name: 'x', description: '', permissions: { nukes: 'crud' } }] };
    expect(() => RoleCatalog.load(bad)).toThrow();
    const badLetters = { ...rolesJson, roles: [{ id: 1, name: 'x', description: '', permissions: { jobs: 'rx' } }] };
    expect(() => RoleCatalog.load(badLetters)).toThrow();
  });
  it("shows a permission with its resource type's display name and group, as the roles do", () => {
    const catalog = RoleCatalog.load();
    expect(catalog.permission('datavolumes', ['read'])).toEqual({
      resourceType: 'datavolumes',
      displayName: 'Data volumes',
      groupId: 'workload-asset',
      actions: ['read'],
    });
    const shown = catalog.roles.flatMap((r) => r.view.permissions);
    for (const p of shown) expect(catalog.permission(p.resourceType, p.actions)).toEqual(p);
  });
});
