import { connectMongo } from '@dv/persistence';
import { randomUUID } from 'node:crypto';
import { type Connection } from 'mongoose';
import { ScopeRepository } from '../src/scopes/scope.repository';

/**
 * authz's scope projection against the real MongoDB-wire server: a deletion is stored as a tombstone
 * that keeps the scope's name and parent, never moves the projection backwards, and is a claimed
 * revision like every other write to the collection (decision 0012).
 */
let connection: Connection;
let scopes: ScopeRepository;
const dbName = `authz_scopes_${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  const url = process.env['MONGO_URL'];
  if (!url) throw new Error('MONGO_URL is not set: run through the workspace jest config');
  connection = await connectMongo({ url, dbName });
  scopes = new ScopeRepository(connection);
});

afterAll(async () => {
  await connection?.dropDatabase().catch(() => undefined);
  await connection?.close();
});

it('marks a stored scope deleted by a claimed revision, keeping its name and parent, and only when newer', async () => {
  await scopes.upsertIfNewer({
    _id: 'project/p1',
    type: 'project',
    id: 'p1',
    name: 'Project one',
    parentType: 'department',
    parentId: 'd1',
    namespace: 'ns1',
    deleted: false,
    version: 5,
  });
  await scopes.markDeleted('project', 'p1', 9);
  // A plain update of the head would leave rev at 1: a guarded writer racing it could be undone by it.
  expect(await scopes.read('project/p1')).toEqual({
    _id: 'project/p1',
    type: 'project',
    id: 'p1',
    name: 'Project one',
    parentType: 'department',
    parentId: 'd1',
    namespace: 'ns1',
    deleted: true,
    version: 9,
    rev: 2,
  });
  // Older events change nothing: a late deletion, a late update.
  await scopes.markDeleted('project', 'p1', 7);
  expect(
    await scopes.upsertIfNewer({
      _id: 'project/p1',
      type: 'project',
      id: 'p1',
      name: 'late',
      parentType: 'department',
      parentId: 'd1',
      deleted: false,
      version: 8,
    }),
  ).toBe(false);
  expect(await scopes.read('project/p1')).toMatchObject({ deleted: true, version: 9, name: 'Project one', rev: 2 });
  expect((await scopes.upTo(9)).map((s) => s._id)).toContain('project/p1');
  expect((await scopes.upTo(8)).map((s) => s._id)).not.toContain('project/p1');
});

it('stores the deletion of a scope it never saw as a tombstone without a parent', async () => {
  await scopes.markDeleted('cluster', 'c9', 4);
  expect(await scopes.read('cluster/c9')).toMatchObject({
    _id: 'cluster/c9',
    type: 'cluster',
    id: 'c9',
    name: 'c9',
    parentType: null,
    parentId: null,
    deleted: true,
    version: 4,
  });
  // Two replicas' consumers applying the same deletion at once: one tombstone.
  await Promise.all([scopes.markDeleted('tenant', 't9', 3), scopes.markDeleted('tenant', 't9', 3)]);
  expect(await scopes.upTo(100)).toEqual(expect.arrayContaining([expect.objectContaining({ _id: 'tenant/t9', deleted: true, version: 3 })]));
});
