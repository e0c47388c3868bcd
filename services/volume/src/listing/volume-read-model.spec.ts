import { type DataVolume, type DataVolumeField, DATA_VOLUME_FIELDS } from '@dv/contracts';
import { type ListQuery, VolumeReadModel } from './volume-read-model';
import {
  type VolumeSelector,
  comparatorOf,
  compareStrings,
  listFilterTest,
  orderKey,
  selectorOfIds,
  selectorOfScopeSet,
  selectorOfUsable,
  selectorTest,
} from './volume-query';

/** A volume for the listing tests: only what lists look at varies. */
function vol(id: string, over: Partial<Omit<DataVolume, 'status'>> & { phase?: DataVolume['status']['phase'] } = {}): DataVolume {
  const { phase, ...rest } = over;
  return {
    id,
    name: `vol-${id}`,
    projectId: 'p1',
    projectName: 'project-one',
    departmentId: 'd1',
    clusterId: 'c1',
    namespace: 'ns-p1',
    originPvcName: 'pvc',
    useOriginalVolume: true,
    storage: { originPvName: 'pv', capacity: '1Gi', storageClassName: 'nfs', accessModes: ['ReadWriteMany'], source: { nfs: { server: 's', path: '/p' } } },
    sharedScopes: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    createdBy: 'dana',
    updatedAt: '2025-01-01T00:00:00.000Z',
    updatedBy: 'dana',
    status: { phase: phase ?? 'Ready', conditions: [] },
    version: 1,
    ...rest,
  };
}

const ALL: VolumeSelector = { all: true };
const q = (over: Partial<ListQuery> = {}): ListQuery => ({ filterBy: [], offset: 0, limit: 500, ...over });

function modelOf(volumes: readonly DataVolume[]): VolumeReadModel {
  const model = new VolumeReadModel();
  for (const v of volumes) model.apply(v, false);
  return model;
}

const ids = (r: { page: DataVolume[] }): string[] => r.page.map((v) => v.id);

// A small world: two projects in d1 (c1), one in d2 (c1), one in d3 (c2).
const WORLD: DataVolume[] = [
  vol('a', { name: 'imagenet', description: 'ImageNet 2012', createdAt: '2025-01-03T00:00:00.000Z', phase: 'Ready' }),
  vol('b', { name: 'imagenet-net-small', description: 'a.b subset', createdAt: '2025-01-01T00:00:00.000Z', phase: 'Creating' }),
  vol('c', { name: 'coco', projectId: 'p2', projectName: 'Project-Two', createdAt: '2025-01-02T00:00:00.000Z', phase: 'NotReady', createdBy: 'bea' }),
  vol('d', {
    name: 'beans',
    description: 'Beans and more',
    projectId: 'p3',
    projectName: 'project-three',
    departmentId: 'd2',
    createdAt: '2025-01-02T00:00:00.000Z',
    phase: 'Deleting',
  }),
  vol('e', { name: 'axb', projectId: 'p4', projectName: 'project-four', departmentId: 'd3', clusterId: 'c2', createdAt: '2025-01-05T00:00:00.000Z' }),
];

describe('in-memory volume listing: filters and search', () => {
  const model = modelOf(WORLD);
  const filtered = (filterBy: string[], search?: string): string[] => ids(model.query(ALL, q({ filterBy, search, sortBy: 'name' })));

  it('applies each operator: equality and order exact, the text operators ignoring case and regular-expression characters', () => {
    expect(filtered(['name==imagenet'])).toEqual(['a']);
    expect(filtered(['name==ImageNet'])).toEqual([]);
    expect(filtered(['phase!=Ready'])).toEqual(['d', 'c', 'b']);
    expect(filtered(['createdAt<=2025-01-02T00:00:00.000Z'])).toEqual(['d', 'c', 'b']);
    expect(filtered(['createdAt>=2025-01-03'])).toEqual(['e', 'a']);
    expect(filtered(['name=@NET'])).toEqual(['a', 'b']);
    expect(filtered(['name!@net-'])).toEqual(['e', 'd', 'c', 'a']);
    expect(filtered(['name=^IMAGE'])).toEqual(['a', 'b']);
    expect(filtered(['name=$net'])).toEqual(['a']);
    expect(filtered(['name=@a.b'])).toEqual([]); // '.' is not a wildcard: 'axb' does not match
    expect(filtered(['projectName==Project-Two'])).toEqual(['c']);
    expect(filtered(['departmentId==d2'])).toEqual(['d']);
    expect(filtered(['clusterId!=c1'])).toEqual(['e']);
    expect(filtered(['createdBy==bea'])).toEqual(['c']);
    expect(filtered(['projectId>=p3'])).toEqual(['e', 'd']);
  });

  it('requires every filter and the search; the search looks at name, description and project name', () => {
    expect(filtered(['projectName=@project', 'phase!=Deleting'], 'BEAN')).toEqual([]);
    expect(filtered(['phase!=Ready'], '  bean ')).toEqual(['d']);
    expect(filtered([], 'a.b')).toEqual(['b']); // in the description only
    expect(filtered([], 'two')).toEqual(['c']); // in the project name only
    expect(filtered([], '   ')).toEqual(['e', 'd', 'c', 'a', 'b']);
    expect(filtered(['name=^im', 'name!@small'], 'net')).toEqual(['a']);
    expect(filtered(['nonsense'])).toEqual(['e', 'd', 'c', 'a', 'b']); // does not parse: ignored, as the MongoDB form did
    expect(filtered(['owner==dana'])).toEqual([]); // not a list field (the contract refuses it first)
  });

  it('compiles to no test when there is nothing to test', () => {
    expect(listFilterTest([], undefined)).toBeUndefined();
    expect(listFilterTest([], ' ')).toBeUndefined();
  });
});

describe('in-memory volume listing: order and paging', () => {
  const model = modelOf(WORLD);

  it('sorts by the field in either direction, ties by id ascending; createdAt ascending by default', () => {
    expect(ids(model.query(ALL, q({ sortBy: 'name' })))).toEqual(['e', 'd', 'c', 'a', 'b']);
    expect(ids(model.query(ALL, q({ sortBy: 'name', sortOrder: 'desc' })))).toEqual(['b', 'a', 'c', 'd', 'e']);
    expect(ids(model.query(ALL, q()))).toEqual(['b', 'c', 'd', 'a', 'e']);
    expect(ids(model.query(ALL, q({ sortBy: 'createdAt', sortOrder: 'desc' })))).toEqual(['e', 'a', 'c', 'd', 'b']);
    // Ties (c and d share createdAt; a, b, c share departmentId) keep ids ascending in both directions.
    expect(ids(model.query(ALL, q({ sortBy: 'departmentId', sortOrder: 'desc' })))).toEqual(['e', 'd', 'a', 'b', 'c']);
    expect(ids(model.query(ALL, q({ sortBy: 'phase' })))).toEqual(['b', 'd', 'c', 'a', 'e']);
    expect(ids(model.query(ALL, q({ sortBy: 'projectName' })))).toEqual(['c', 'e', 'a', 'b', 'd']); // 'P' before 'p'
  });

  it('pages from offset, at most limit, and counts every match', () => {
    expect(model.query(ALL, q({ sortBy: 'name', offset: 1, limit: 2 })).page.map((v) => v.name)).toEqual(['beans', 'coco']);
    expect(model.query(ALL, q({ sortBy: 'name', offset: 1, limit: 2 })).total).toBe(5);
    expect(model.query(ALL, q({ sortBy: 'name', offset: 4, limit: 2 })).page.map((v) => v.name)).toEqual(['imagenet-net-small']);
    expect(model.query(ALL, q({ offset: 9, limit: 2 }))).toEqual({ total: 5, page: [] });
    expect(model.query({ projects: ['p1'] }, q({ filterBy: ['phase==Ready'], limit: 1 }))).toEqual({ total: 1, page: [WORLD[0]] });
    expect(model.count(ALL, ['phase!=Ready'], undefined)).toBe(3);
    expect(model.count({ departments: ['d1'] }, [], 'image')).toBe(2);
  });

  it('orders strings by code point, as MongoDB compares UTF-8 bytes', () => {
    expect(compareStrings('a', 'b')).toBeLessThan(0);
    expect(compareStrings('B', 'a')).toBeLessThan(0);
    expect(compareStrings('ab', 'a')).toBeGreaterThan(0);
    expect(compareStrings('same', 'same')).toBe(0);
    expect(compareStrings('\uFFFD', '\u{1F600}')).toBeLessThan(0); // UTF-16 code units say the opposite
    expect('\uFFFD' < '\u{1F600}').toBe(false);
    expect(compareStrings('\u{1F600}', '\u{1F601}')).toBeLessThan(0);
    expect(compareStrings('\uD7FF', '\u{10000}')).toBeLessThan(0);
  });
});

describe('in-memory volume listing: what a caller may list', () => {
  const model = modelOf(WORLD);
  const listed = (selector: VolumeSelector): string[] => ids(model.query(selector, q({ sortBy: 'name' })));

  it('Originated: the volumes originating in the permitted scopes, tenants as their clusters', () => {
    const set = { system: false, tenants: [], clusters: [], departments: [], projects: [] };
    expect(listed(selectorOfScopeSet(undefined, []))).toEqual([]);
    expect(listed(selectorOfScopeSet(set, []))).toEqual([]);
    expect(listed(selectorOfScopeSet({ ...set, system: true }, []))).toEqual(['e', 'd', 'c', 'a', 'b']);
    expect(listed(selectorOfScopeSet({ ...set, projects: ['p2'] }, []))).toEqual(['c']);
    expect(listed(selectorOfScopeSet({ ...set, departments: ['d2'], projects: ['p2', 'p9'] }, []))).toEqual(['d', 'c']);
    expect(listed(selectorOfScopeSet({ ...set, clusters: ['c2'] }, []))).toEqual(['e']);
    expect(listed(selectorOfScopeSet({ ...set, tenants: ['t1'] }, ['c1']))).toEqual(['d', 'c', 'a', 'b']);
    expect(selectorOfScopeSet({ ...set, clusters: ['c1'], tenants: ['t1'] }, ['c1', 'c2']).clusters).toEqual(['c1', 'c2']);
  });

  it('origin project and ids: the volumes originating in the project and those named', () => {
    expect(listed(selectorOfIds('p2', []))).toEqual(['c']);
    expect(listed(selectorOfIds('p2', ['e', 'a', 'gone']))).toEqual(['e', 'c', 'a']);
    expect(listed(selectorOfIds('p9', ['d']))).toEqual(['d']);
    expect(model.count(selectorOfIds('p1', ['c']), ['phase!=Creating'], undefined)).toBe(2);
  });

  it('UsableInProject: the volumes originating in the project and those shared with it, its department or its cluster', () => {
    const shared = modelOf(WORLD);
    const p2 = selectorOfUsable({ projectId: 'p2', departmentId: 'd1', clusterId: 'c1' });
    const usable = (selector: VolumeSelector): string[] => ids(shared.query(selector, q({ sortBy: 'name' })));
    expect(usable(p2)).toEqual(['c']);
    shared.applyList('e', ['project/p2'], 1);
    shared.applyList('d', ['department/d1', 'project/p9'], 1);
    shared.applyList('a', ['cluster/c1'], 1);
    shared.applyList('b', ['department/d2'], 1);
    expect(usable(p2)).toEqual(['e', 'd', 'c', 'a']);
    expect(shared.count(p2, ['phase!=Deleting'], undefined)).toBe(3);
    // The whole list each time, newer list versions only.
    expect(shared.applyList('e', [], 2)).toBe(true);
    expect(shared.applyList('e', ['project/p2'], 1)).toBe(false);
    expect(usable(p2)).toEqual(['d', 'c', 'a']);
    // A deleted volume's list goes with it, and a late list event cannot bring it back.
    shared.apply(vol('d', { version: 7 }), true);
    expect(shared.applyList('d', ['department/d1'], 5)).toBe(false);
    expect(usable(p2)).toEqual(['c', 'a']);
    expect(shared.sharedKeys('d')).toBeUndefined();
    // The scanning path (a selection naming most volumes) answers the same.
    const many = new VolumeReadModel();
    for (let i = 0; i < 200; i++) many.apply(vol(`v${String(i).padStart(3, '0')}`, { projectId: `p${i % 2}` }), false);
    for (let i = 0; i < 200; i += 3) many.applyList(`v${String(i).padStart(3, '0')}`, ['cluster/c1'], 1);
    const selector = selectorOfUsable({ projectId: 'p0', departmentId: 'd1', clusterId: 'c1' });
    const expected = [...Array(200).keys()].filter((i) => i % 2 === 0 || i % 3 === 0).length;
    expect(many.count(selector, [], undefined)).toBe(expected);
    expect(many.query(selector, q({ limit: 10 })).total).toBe(expected);
    expect(many.count(selector, ['name==vol-v003'], undefined)).toBe(1);
  });
});

describe('in-memory volume read model: applying events', () => {
  it('applies only newer versions; a deletion leaves a tombstone that older events cannot undo', () => {
    const model = modelOf(WORLD);
    expect(model.apply(vol('a', { name: 'imagenet', description: 'older', version: 1 }), false)).toBe(false);
    expect(model.get('a')?.description).toBe('ImageNet 2012');
    expect(
      model.apply(vol('a', { name: 'imagenet', description: 'patched', createdAt: '2025-01-03T00:00:00.000Z', version: 2, phase: 'Deleting' }), false),
    ).toBe(true);
    expect(model.get('a')?.description).toBe('patched');
    expect(ids(model.query(ALL, q({ filterBy: ['phase==Deleting'] })))).toEqual(['d', 'a']);
    expect(model.apply(vol('a', { name: 'imagenet', version: 3 }), true)).toBe(true);
    expect(model.get('a')).toBeUndefined();
    expect(model.size).toBe(4);
    expect(model.apply(vol('a', { name: 'imagenet', version: 2 }), false)).toBe(false);
    expect(model.apply(vol('a', { name: 'imagenet', version: 3 }), true)).toBe(false);
    expect(ids(model.query(ALL, q({ sortBy: 'name' })))).toEqual(['e', 'd', 'c', 'b']);
    expect(model.count({ projects: ['p1'] }, [], undefined)).toBe(1);
    // A deleted event at the version already held applies (the record goes without a version bump).
    expect(model.apply(vol('b', { version: 1 }), true)).toBe(true);
    expect(model.size).toBe(3);
    // An unknown volume's deletion is remembered too.
    expect(model.apply(vol('z', { version: 4 }), true)).toBe(true);
    expect(model.apply(vol('z', { version: 3 }), false)).toBe(false);
    expect(model.apply(vol('z', { version: 5 }), false)).toBe(true);
    expect(model.get('z')?.version).toBe(5);
  });

  it('keeps a bounded number of tombstones, dropping the oldest and those past the retention', () => {
    const model = new VolumeReadModel({ max: 3, retentionMs: 60_000 });
    const t0 = Date.parse('2025-01-01T00:00:00.000Z');
    for (let i = 0; i < 5; i++) model.apply(vol(`x${i}`, { version: 2 }), true, t0 + i * 1000);
    expect(model.tombstones).toBe(3);
    // The oldest two are forgotten: an old event for them is applied again; the kept ones still refuse it.
    expect(model.apply(vol('x0', { version: 1 }), false)).toBe(true);
    expect(model.apply(vol('x4', { version: 1 }), false)).toBe(false);
    // A deletion two minutes later pushes out every tombstone older than a minute before it.
    model.apply(vol('y', { version: 3 }), true, t0 + 120_000);
    expect(model.tombstones).toBe(1);
  });

  it('keeps its sorted views current through changes', () => {
    const model = modelOf(WORLD);
    expect(ids(model.query(ALL, q({ sortBy: 'phase' })))).toEqual(['b', 'd', 'c', 'a', 'e']);
    expect(ids(model.query(ALL, q({ sortBy: 'phase', sortOrder: 'desc' })))).toEqual(['a', 'e', 'c', 'd', 'b']);
    model.apply(vol('b', { name: 'imagenet-net-small', version: 2, phase: 'Ready' }), false);
    model.apply(vol('f', { name: 'fresh', phase: 'Creating' }), false);
    model.apply(vol('c', { name: 'coco', version: 9 }), true);
    expect(ids(model.query(ALL, q({ sortBy: 'phase' })))).toEqual(['f', 'd', 'a', 'b', 'e']);
    expect(ids(model.query(ALL, q({ sortBy: 'phase', sortOrder: 'desc' })))).toEqual(['a', 'b', 'e', 'd', 'f']);
    expect(ids(model.query(ALL, q({ sortBy: 'name' })))).toEqual(['e', 'd', 'f', 'a', 'b']);
  });

  it('answers exactly as filtering, sorting and slicing every volume would, on either path, through random changes', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pick = <T>(items: readonly T[]): T => items[rand(items.length)] as T;
    const phases = ['Creating', 'Ready', 'NotReady', 'Deleting'] as const;
    const model = new VolumeReadModel();
    const truth = new Map<string, DataVolume>();
    const versions = new Map<string, number>();
    const change = (): void => {
      const id = `v${String(rand(400)).padStart(3, '0')}`;
      const version = (versions.get(id) ?? 0) + 1;
      versions.set(id, version);
      const project = rand(20);
      const v = vol(id, {
        name: `${pick(['img', 'coco', 'Beans', 'x'])}-${rand(50)}`,
        projectId: `p${project}`,
        projectName: `project ${project % 7}`,
        departmentId: `d${project % 5}`,
        clusterId: `c${project % 2}`,
        createdAt: `2025-01-0${1 + rand(9)}`,
        createdBy: pick(['dana', 'bea', 'rosa']),
        phase: pick(phases),
        version,
        ...(rand(3) === 0 ? { description: pick(['Images', 'beans and x', 'COCO 2017']) } : {}),
      });
      const deleted = rand(6) === 0;
      model.apply(v, deleted);
      if (deleted) truth.delete(id);
      else truth.set(id, v);
    };
    const selectors: VolumeSelector[] = [
      ALL,
      {},
      { projects: ['p3'] },
      { projects: ['p1'], ids: ['v001', 'v002', 'v399'] },
      { departments: ['d1', 'd2'] },
      { clusters: ['c0'] },
      { departments: ['d4'], projects: ['p0', 'p1', 'p2', 'p3'] },
    ];
    const filters = [[], ['phase!=Deleting'], ['name=^img'], ['createdAt>=2025-01-05', 'createdBy==dana'], ['projectName=@PROJECT 3']];
    for (let round = 0; round < 60; round++) {
      for (let i = 0; i < 25; i++) change();
      const selector = pick(selectors);
      const sortBy = rand(4) === 0 ? undefined : pick(DATA_VOLUME_FIELDS);
      const query = q({
        filterBy: pick(filters),
        search: pick([undefined, 'x', 'bean']),
        sortBy,
        sortOrder: pick(['asc', 'desc'] as const),
        offset: rand(40),
        limit: 1 + rand(30),
      });
      const key = orderKey(query);
      const expected = [...truth.values()]
        .filter((v) => selectorTest(selector)(v) && (listFilterTest(query.filterBy, query.search)?.(v) ?? true))
        .sort(comparatorOf(key.field, key.desc));
      const got = model.query(selector, query);
      expect({ total: got.total, page: ids(got) }).toEqual({
        total: expected.length,
        page: expected.slice(query.offset, query.offset + query.limit).map((v) => v.id),
      });
      expect(model.count(selector, query.filterBy, query.search)).toBe(expected.length);
    }
    expect(model.size).toBe(truth.size);
  });

  it('compares as MongoDB sorts: the field in the asked direction, then the id ascending', () => {
    const fields: DataVolumeField[] = ['name', 'phase'];
    for (const field of fields) {
      const cmp = comparatorOf(field, true);
      expect(cmp(vol('a', { name: 'x', phase: 'Ready' }), vol('b', { name: 'x', phase: 'Ready' }))).toBeLessThan(0);
      expect(cmp(vol('b', { name: 'y', phase: 'Ready' }), vol('a', { name: 'x', phase: 'Creating' }))).toBeLessThan(0);
    }
  });
});
