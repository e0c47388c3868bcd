import { connectMongo, insertOnce, upsertIfNewer } from '../src';
import { randomUUID } from 'node:crypto';
import { type Connection, Schema } from 'mongoose';

interface Projection {
  _id: string;
  version: number;
  name: string;
}

describe('idempotent writes (real MongoDB-wire server)', () => {
  let connection: Connection;

  beforeAll(async () => {
    const url = process.env['MONGO_URL'];
    if (!url) throw new Error('MONGO_URL is not set: run through the workspace jest config');
    connection = await connectMongo({ url, dbName: 'persistence_test' });
  });

  afterAll(async () => {
    await connection.close();
  });

  function model() {
    const name = `proj_${randomUUID().slice(0, 8)}`;
    return connection.model<Projection>(name, new Schema<Projection>({ _id: String, version: Number, name: String }, { collection: name, versionKey: false }));
  }

  it('inserts a document keyed by a natural id once', async () => {
    const m = model();
    expect(await insertOnce(m, { _id: 'evt-1', version: 1, name: 'a' })).toBe(true);
    expect(await insertOnce(m, { _id: 'evt-1', version: 1, name: 'b' })).toBe(false);
    expect(await m.find().lean()).toEqual([{ _id: 'evt-1', version: 1, name: 'a' }]);
  });

  it('applies a projection only when the aggregate version is newer', async () => {
    const m = model();
    expect(await upsertIfNewer(m, { _id: 'p', version: 2, name: 'v2' })).toBe(true);
    expect(await upsertIfNewer(m, { _id: 'p', version: 1, name: 'v1 (late)' })).toBe(false);
    expect(await upsertIfNewer(m, { _id: 'p', version: 2, name: 'v2 (redelivered)' })).toBe(false);
    expect(await m.findById('p').lean()).toEqual({ _id: 'p', version: 2, name: 'v2', rev: 1 });
    expect(await upsertIfNewer(m, { _id: 'p', version: 3, name: 'v3' })).toBe(true);
    // rev: the stored change count of the guarded store (insert, then one change).
    expect(await m.findById('p').lean()).toEqual({ _id: 'p', version: 3, name: 'v3', rev: 2 });
  });

  it('never moves a projection backwards when events of one aggregate are applied at once, in any order', async () => {
    const m = model();
    for (let round = 0; round < 10; round++) {
      const id = `p-${round}`;
      const versions = Array.from({ length: 12 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
      const applied = await Promise.all(versions.map((version) => upsertIfNewer(m, { _id: id, version, name: `v${version}` })));
      expect(applied.some(Boolean)).toBe(true);
      expect(await m.findById(id, { _id: 1, version: 1, name: 1 }).lean()).toEqual({ _id: id, version: 12, name: 'v12' });
    }
  });
});
