import { filterItemToMongo, listFilterToMongo, scopeSetToMongo } from './volume-list-filter';

describe('volume list filters', () => {
  it('maps each operator, escaping regular-expression characters', () => {
    expect(filterItemToMongo({ field: 'name', op: '==', value: 'a.b' })).toEqual({ name: 'a.b' });
    expect(filterItemToMongo({ field: 'phase', op: '!=', value: 'Ready' })).toEqual({ 'status.phase': { $ne: 'Ready' } });
    expect(filterItemToMongo({ field: 'createdAt', op: '>=', value: '2025' })).toEqual({ createdAt: { $gte: '2025' } });
    expect(filterItemToMongo({ field: 'name', op: '=@', value: 'a.b' })).toEqual({ name: { $regex: 'a\\.b', $options: 'i' } });
    expect(filterItemToMongo({ field: 'name', op: '!@', value: 'x' })).toEqual({ $nor: [{ name: { $regex: 'x', $options: 'i' } }] });
    expect(filterItemToMongo({ field: 'name', op: '=^', value: 'im' })).toEqual({ name: { $regex: '^im', $options: 'i' } });
    expect(filterItemToMongo({ field: 'name', op: '=$', value: 'net' })).toEqual({ name: { $regex: 'net$', $options: 'i' } });
  });

  it('restricts to the permitted scopes, expanding tenants to their clusters', () => {
    expect(scopeSetToMongo(undefined, [])).toEqual({ _id: { $in: [] } });
    expect(scopeSetToMongo({ system: true, tenants: [], clusters: [], departments: [], projects: [] }, [])).toEqual({});
    expect(scopeSetToMongo({ system: false, tenants: ['t1'], clusters: ['c1'], departments: ['d9'], projects: ['p1'] }, ['c1', 'c2'])).toEqual({
      $or: [{ clusterId: { $in: ['c1', 'c2'] } }, { departmentId: { $in: ['d9'] } }, { projectId: { $in: ['p1'] } }],
    });
    expect(scopeSetToMongo({ system: false, tenants: [], clusters: [], departments: [], projects: [] }, [])).toEqual({ _id: { $in: [] } });
  });

  it('combines the scope, the filters and the search', () => {
    expect(listFilterToMongo({ projectId: 'p1' }, ['name=^im'], 'net')).toEqual({
      $and: [
        { projectId: 'p1' },
        { name: { $regex: '^im', $options: 'i' } },
        {
          $or: [
            { name: { $regex: 'net', $options: 'i' } },
            { description: { $regex: 'net', $options: 'i' } },
            { projectName: { $regex: 'net', $options: 'i' } },
          ],
        },
      ],
    });
  });
});
