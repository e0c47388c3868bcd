import { type DataVolumeField, DATA_VOLUME_FIELDS, type PermittedScopeSet } from '@dv/contracts';
import mongoose, { type Connection, type Model, type SortOrder } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { FIELD_PATHS, listFilterToMongo, scopeSetToMongo } from '../src/listing/volume-list-filter';
import { type VolumeSelector, selectorOfScopeSet } from '../src/listing/volume-query';
import { type ListQuery, VolumeReadModel } from '../src/listing/volume-read-model';
import { type VolumeDoc, nameKeyOf, toDataVolume, volumeModel } from '../src/volumes/volume.model';
import { env } from './volume-harness';

/**
 * The in-memory listing against what the service asked MongoDB before (the same filter, sort and
 * paging run by FerretDB on the same documents): the same volumes in the same order, the same totals.
 */
let connection: Connection;
let model: Model<VolumeDoc>;
const memory = new VolumeReadModel();
const dbName = `volume_parity_${randomUUID().slice(0, 8)}`;

const PROJECTS = [
  { id: 'p1', name: 'project-a', departmentId: 'd1', clusterId: 'c1' },
  { id: 'p2', name: 'Project-B', departmentId: 'd1', clusterId: 'c1' },
  { id: 'p3', name: 'project c.x', departmentId: 'd2', clusterId: 'c1' },
  { id: 'p4', name: 'projet-d', departmentId: 'd3', clusterId: 'c2' },
] as const;
const NAMES = ['imagenet', 'imagenet-net', 'coco', 'beans', 'axb', 'a-b', 'zeta', 'net', 'image', 'b'];
const DESCRIPTIONS = [undefined, 'ImageNet 2012', 'a.b subset', 'Beans (dry)', 'NET+1', ''];
const PHASES = ['Creating', 'Ready', 'NotReady', 'Deleting'] as const;

function doc(i: number): VolumeDoc {
  const project = PROJECTS[i % PROJECTS.length] ?? PROJECTS[0];
  const name = `${NAMES[i % NAMES.length] ?? 'v'}${i >= NAMES.length ? `-${Math.floor(i / NAMES.length)}` : ''}`;
  const at = `2025-01-${String(1 + (i % 7)).padStart(2, '0')}T00:00:00.000Z`;
  const description = DESCRIPTIONS[(i * 7) % DESCRIPTIONS.length];
  return {
    _id: randomUUID(),
    version: 1 + (i % 3),
    outbox: [],
    nameKey: nameKeyOf(project.clusterId, name),
    name,
    ...(description !== undefined ? { description } : {}),
    projectId: project.id,
    projectName: project.name,
    departmentId: project.departmentId,
    clusterId: project.clusterId,
    namespace: `ns-${project.id}`,
    originPvcName: `pvc-${i}`,
    useOriginalVolume: true,
    storage: {
      originPvName: `pv-${i}`,
      capacity: '1Gi',
      storageClassName: 'nfs',
      accessModes: ['ReadWriteMany'],
      source: { nfs: { server: 's', path: `/p/${i}` } },
    },
    createdAt: at,
    createdBy: ['dana', 'bea', 'Rosa'][i % 3] ?? 'dana',
    updatedAt: at,
    updatedBy: 'dana',
    status: { phase: PHASES[(i * 5) % PHASES.length] ?? 'Ready', conditions: [] },
  };
}

beforeAll(async () => {
  connection = await mongoose.createConnection(env('MONGO_URL'), { dbName }).asPromise();
  model = volumeModel(connection);
  const docs = Array.from({ length: 48 }, (_, i) => doc(i));
  await model.insertMany(docs, { lean: true });
  for (const d of docs) memory.apply(toDataVolume(d), false);
}, 60_000);

afterAll(async () => {
  await connection?.dropDatabase().catch(() => undefined);
  await connection?.close();
});

const SCOPES: { name: string; set: PermittedScopeSet | undefined; tenantClusters: string[] }[] = [
  { name: 'system', set: { system: true, tenants: [], clusters: [], departments: [], projects: [] }, tenantClusters: [] },
  { name: 'nothing', set: undefined, tenantClusters: [] },
  { name: 'project p2', set: { system: false, tenants: [], clusters: [], departments: [], projects: ['p2'] }, tenantClusters: [] },
  { name: 'department d1 and project p4', set: { system: false, tenants: [], clusters: [], departments: ['d1'], projects: ['p4'] }, tenantClusters: [] },
  { name: 'tenant (clusters c2)', set: { system: false, tenants: ['t1'], clusters: [], departments: [], projects: [] }, tenantClusters: ['c2'] },
];

const QUERIES: ListQuery[] = [
  { filterBy: [], offset: 0, limit: 500 },
  { filterBy: [], sortBy: 'name', sortOrder: 'asc', offset: 0, limit: 50 },
  { filterBy: [], sortBy: 'name', sortOrder: 'desc', offset: 5, limit: 7 },
  { filterBy: ['phase!=Deleting'], search: 'IMAGE', sortBy: 'createdAt', sortOrder: 'desc', offset: 0, limit: 500 },
  { filterBy: ['name=^im', 'name!@net-'], offset: 0, limit: 500 },
  { filterBy: ['name=$net'], sortBy: 'projectName', offset: 0, limit: 500 },
  { filterBy: ['name=@a.b'], offset: 0, limit: 500 },
  { filterBy: [], search: 'a.b', offset: 0, limit: 500 },
  { filterBy: [], search: ' net+ ', offset: 0, limit: 500 },
  { filterBy: [], search: 'c.X', sortBy: 'projectName', sortOrder: 'desc', offset: 0, limit: 500 },
  { filterBy: ['createdAt>=2025-01-04', 'createdAt<=2025-01-06T00:00:00.000Z'], sortBy: 'phase', offset: 2, limit: 9 },
  { filterBy: ['projectName==Project-B'], offset: 0, limit: 500 },
  { filterBy: ['projectName=@project-b'], sortBy: 'createdBy', offset: 0, limit: 500 },
  { filterBy: ['createdBy>=a', 'createdBy<=dana'], sortBy: 'createdBy', sortOrder: 'desc', offset: 0, limit: 500 },
  { filterBy: ['departmentId!=d1', 'clusterId==c1'], sortBy: 'departmentId', offset: 0, limit: 500 },
  ...DATA_VOLUME_FIELDS.map((field: DataVolumeField): ListQuery => ({ filterBy: [], sortBy: field, sortOrder: 'desc', offset: 3, limit: 20 })),
];

async function fromMongo(set: PermittedScopeSet | undefined, tenantClusters: string[], query: ListQuery): Promise<{ total: number; ids: string[] }> {
  const filter = listFilterToMongo(scopeSetToMongo(set, tenantClusters), query.filterBy, query.search);
  const sort: Record<string, SortOrder> = query.sortBy
    ? { [FIELD_PATHS[query.sortBy]]: query.sortOrder === 'desc' ? -1 : 1, _id: 1 }
    : { createdAt: 1, _id: 1 };
  const [docs, total] = await Promise.all([
    model.find(filter, { _id: 1 }).sort(sort).skip(query.offset).limit(query.limit).lean<{ _id: string }[]>().exec(),
    model.countDocuments(filter).exec(),
  ]);
  return { total, ids: docs.map((d) => d._id) };
}

function fromMemory(selector: VolumeSelector, query: ListQuery): { total: number; ids: string[] } {
  const { total, page } = memory.query(selector, query);
  expect(memory.count(selector, query.filterBy, query.search)).toBe(total);
  return { total, ids: page.map((v) => v.id) };
}

describe('in-memory listing = the MongoDB listing (FerretDB)', () => {
  for (const scope of SCOPES) {
    it(`scope ${scope.name}: every filter, search, sort and page`, async () => {
      for (const query of QUERIES) {
        const expected = await fromMongo(scope.set, scope.tenantClusters, query);
        const got = fromMemory(selectorOfScopeSet(scope.set, scope.tenantClusters), query);
        expect({ query, ...got }).toEqual({ query, ...expected });
      }
    }, 60_000);
  }

  it('UsableInProject: the project and the ids shared with it', async () => {
    const shared = (await model.find({ projectId: 'p4' }, { _id: 1 }).lean<{ _id: string }[]>().exec()).map((d) => d._id).slice(0, 5);
    for (const query of QUERIES) {
      const filter = listFilterToMongo({ $or: [{ projectId: 'p1' }, { _id: { $in: shared } }] }, query.filterBy, query.search);
      const sort: Record<string, SortOrder> = query.sortBy
        ? { [FIELD_PATHS[query.sortBy]]: query.sortOrder === 'desc' ? -1 : 1, _id: 1 }
        : { createdAt: 1, _id: 1 };
      const docs = await model.find(filter, { _id: 1 }).sort(sort).skip(query.offset).limit(query.limit).lean<{ _id: string }[]>().exec();
      const total = await model.countDocuments(filter).exec();
      const got = fromMemory({ projects: ['p1'], ids: shared }, query);
      expect({ query, ...got }).toEqual({ query, total, ids: docs.map((d) => d._id) });
    }
  }, 60_000);
});
