// What the persistence library may rely on with mongoose 9 against the bed's MongoDB-wire server
// (FerretDB 1.24 on SQLite, or a real mongod), and where FerretDB 1.24 differs from MongoDB.
// See docs/decisions/0003-mongoose-on-ferretdb.md. The "differs" cases assert each server's own
// behaviour, so a FerretDB upgrade that fixes one shows up here as a failing expectation.
import mongoose, { type Connection, type Model, Schema } from 'mongoose';
import { bedEnv, uniqueName } from './bed-env';

interface OutboxEntry {
  id: string;
  type: string;
  at?: Date;
}

interface Aggregate {
  name: string;
  version: number;
  counter: number;
  outbox: OutboxEntry[];
}

interface MongoErrorShape {
  name?: string;
  code?: number;
  keyValue?: unknown;
  writeErrors?: { index: number; code: number }[];
  insertedDocs?: unknown[];
  result?: { insertedCount?: number };
}

const after = { returnDocument: 'after' } as const;

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<MongoErrorShape> {
  try {
    await promise;
  } catch (error: unknown) {
    return error as MongoErrorShape;
  }
  throw new Error('expected a rejection');
}
const ids = (entries: OutboxEntry[] | undefined): string[] => (entries ?? []).map((e) => e.id);

describe('mongoose on the MongoDB-wire server (FerretDB 1.24 or mongod)', () => {
  let connection: Connection;
  let isFerretDb: boolean;
  let Aggregates: Model<Aggregate>;
  const at = new Date('2026-01-01T00:00:00Z');

  beforeAll(async () => {
    connection = await mongoose.createConnection(bedEnv('MONGO_URL'), { dbName: uniqueName('testing-compat') }).asPromise();
    const buildInfo = await connection.db?.admin().command({ buildInfo: 1 });
    isFerretDb = typeof buildInfo?.['ferretdbVersion'] === 'string';
    const outboxEntry = new Schema<OutboxEntry>({ id: { type: String, required: true }, type: { type: String, required: true }, at: Date }, { _id: false });
    const schema = new Schema<Aggregate>(
      {
        name: { type: String, required: true, unique: true },
        version: { type: Number, default: 0 },
        counter: { type: Number, default: 0 },
        outbox: [outboxEntry],
      },
      { versionKey: false },
    );
    Aggregates = connection.model<Aggregate>('Aggregate', schema);
    await Aggregates.init();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  async function fresh(name: string, outbox: OutboxEntry[] = []): Promise<string> {
    await Aggregates.create({ name, outbox });
    return name;
  }

  describe('works the same on both', () => {
    it('duplicate keys raise code 11000 (keyValue is only filled in by MongoDB)', async () => {
      await fresh('dup');
      const error = await rejection(Aggregates.create({ name: 'dup' }));
      expect(error.code).toBe(11000);
      if (isFerretDb) expect(error.keyValue).toBeUndefined();
      else expect(error.keyValue).toEqual({ name: 'dup' });
    });

    it('findOneAndUpdate with $push of subdocuments ($each) and $inc', async () => {
      const name = await fresh('push');
      const doc = await Aggregates.findOneAndUpdate(
        { name },
        {
          $push: {
            outbox: {
              $each: [
                { id: 'e1', type: 't', at },
                { id: 'e2', type: 't' },
              ],
            },
          },
          $inc: { counter: 5, version: 1 },
        },
        after,
      ).lean();
      expect(ids(doc?.outbox)).toEqual(['e1', 'e2']);
      expect(doc).toMatchObject({ counter: 5, version: 1 });
    });

    it('$pull of an exact subdocument and $pullAll of exact subdocuments remove them', async () => {
      const name = await fresh('pull-exact', [
        { id: 'e1', type: 't', at },
        { id: 'e2', type: 't', at },
        { id: 'e3', type: 't' },
      ]);
      const stored = (await Aggregates.findOne({ name }).lean())?.outbox ?? [];
      const afterPull = await Aggregates.findOneAndUpdate({ name }, { $pull: { outbox: { id: 'e1', type: 't', at } } }, after).lean();
      expect(ids(afterPull?.outbox)).toEqual(['e2', 'e3']);
      const afterPullAll = await Aggregates.findOneAndUpdate({ name }, { $pullAll: { outbox: stored.filter((e) => e.id !== 'e1') } }, after).lean();
      expect(ids(afterPullAll?.outbox)).toEqual([]);
    });

    it('a version filter makes an update conditional (stale version: nothing matched, findOneAndUpdate returns null)', async () => {
      const name = await fresh('versioned');
      expect((await Aggregates.updateOne({ name, version: 0 }, { $inc: { version: 1, counter: 1 } })).matchedCount).toBe(1);
      expect((await Aggregates.updateOne({ name, version: 0 }, { $inc: { version: 1, counter: 1 } })).matchedCount).toBe(0);
      expect(await Aggregates.findOneAndUpdate({ name, version: 0 }, { $inc: { counter: 1 } }, after)).toBeNull();
      expect(await Aggregates.findOne({ name }).lean()).toMatchObject({ version: 1, counter: 1 });
    });

    it('removes outbox entries by id portably: read, filter, $set with a version filter', async () => {
      const name = await fresh('outbox-rmw', [
        { id: 'e1', type: 't' },
        { id: 'e2', type: 't' },
        { id: 'e3', type: 't' },
      ]);
      const current = await Aggregates.findOne({ name }).lean();
      if (!current) throw new Error(`no aggregate ${name}`);
      const kept = current.outbox.filter((e) => !['e1', 'e3'].includes(e.id));
      const updated = await Aggregates.findOneAndUpdate({ name, version: current.version }, { $set: { outbox: kept }, $inc: { version: 1 } }, after).lean();
      expect(ids(updated?.outbox)).toEqual(['e2']);
    });

    it('countDocuments, sort, skip and limit', async () => {
      await Aggregates.insertMany(['s1', 's2', 's3', 's4'].map((name, i) => ({ name, counter: i % 2 })));
      expect(await Aggregates.countDocuments({ name: /^s/, counter: 1 })).toBe(2);
      const page = await Aggregates.find({ name: /^s/ }).sort({ counter: -1, name: 1 }).skip(1).limit(2).lean();
      expect(page.map((d) => d.name)).toEqual(['s4', 's1']);
    });

    it('insertMany with ordered:false inserts the rest and reports each duplicate', async () => {
      await fresh('im-a');
      const error = await rejection(Aggregates.insertMany([{ name: 'im-b' }, { name: 'im-a' }, { name: 'im-c' }, { name: 'im-b' }], { ordered: false }));
      expect(error).toMatchObject({ name: 'MongoBulkWriteError', code: 11000 });
      expect(error.writeErrors?.map((w) => [w.index, w.code])).toEqual([
        [1, 11000],
        [3, 11000],
      ]);
      expect(error.insertedDocs).toHaveLength(2);
      expect(await Aggregates.countDocuments({ name: /^im-/ })).toBe(3);
    });

    it('queries array subdocument fields with dot notation', async () => {
      await fresh('dot', [{ id: 'd1', type: 'x' }]);
      expect(await Aggregates.countDocuments({ 'outbox.id': { $in: ['d1', 'nope'] } })).toBe(1);
      expect(await Aggregates.countDocuments({ 'outbox.0': { $exists: true }, name: 'dot' })).toBe(1);
    });
  });

  describe('differs on FerretDB 1.24', () => {
    it('$pull with a condition ({outbox: {id: {$in: [...]}}}) is silently a no-op on FerretDB', async () => {
      const name = await fresh('pull-cond', [
        { id: 'e1', type: 't' },
        { id: 'e2', type: 't' },
        { id: 'e3', type: 't' },
      ]);
      const doc = await Aggregates.findOneAndUpdate({ name }, { $pull: { outbox: { id: { $in: ['e1', 'e3'] } } } }, after).lean();
      expect(ids(doc?.outbox)).toEqual(isFerretDb ? ['e1', 'e2', 'e3'] : ['e2']);
    });

    it('$push modifiers $slice, $position and $sort are silently ignored on FerretDB', async () => {
      const name = await fresh('push-mods', [{ id: 'b', type: 't' }]);
      const doc = await Aggregates.findOneAndUpdate({ name }, { $push: { outbox: { $each: [{ id: 'a', type: 't' }], $position: 0 } } }, after).lean();
      expect(ids(doc?.outbox)).toEqual(isFerretDb ? ['b', 'a'] : ['a', 'b']);
    });

    it('$elemMatch on subdocument fields finds nothing (one field) or fails (two fields) on FerretDB', async () => {
      await fresh('elem', [{ id: 'm1', type: 'x' }]);
      expect(await Aggregates.countDocuments({ outbox: { $elemMatch: { id: 'm1' } } })).toBe(isFerretDb ? 0 : 1);
      const twoFields = Aggregates.countDocuments({ outbox: { $elemMatch: { id: 'm1', type: 'x' } } });
      if (isFerretDb) await expect(twoFields).rejects.toThrow(/unknown operator/);
      else await expect(twoFields).resolves.toBe(1);
    });

    it('the positional $ operator and arrayFilters are rejected by FerretDB', async () => {
      const name = await fresh('positional', [{ id: 'p1', type: 'x' }]);
      const positional = Aggregates.updateOne({ name, 'outbox.id': 'p1' }, { $set: { 'outbox.$.type': 'y' } });
      const filtered = Aggregates.updateOne({ name }, { $set: { 'outbox.$[o].type': 'z' } }, { arrayFilters: [{ 'o.id': 'p1' }] });
      if (isFerretDb) {
        await expect(positional).rejects.toThrow(/Cannot create field '\$'/);
        await expect(filtered).rejects.toThrow(/arrayFilters/);
      } else {
        await expect(positional).resolves.toMatchObject({ modifiedCount: 1 });
        await expect(filtered).resolves.toMatchObject({ modifiedCount: 1 });
      }
    });

    it('transactions are rejected by FerretDB (and need a replica set on mongod)', async () => {
      const session = await connection.startSession();
      try {
        const run = session.withTransaction(async () => {
          await Aggregates.create([{ name: 'tx' }], { session });
        });
        await expect(run).rejects.toThrow(isFerretDb ? /autocommit/ : /replica set|Transaction numbers/);
      } finally {
        await session.endSession();
      }
    });

    it('partial and TTL indexes are not implemented in FerretDB', async () => {
      const partial = connection.collection('partial').createIndex({ a: 1 }, { unique: true, partialFilterExpression: { active: true } });
      const ttl = connection.collection('ttl').createIndex({ at: 1 }, { expireAfterSeconds: 60 });
      if (isFerretDb) {
        await expect(partial).rejects.toMatchObject({ codeName: 'NotImplemented' });
        await expect(ttl).rejects.toMatchObject({ codeName: 'NotImplemented' });
      } else {
        await expect(partial).resolves.toBe('a_1');
        await expect(ttl).resolves.toBe('at_1');
      }
    });

    it('change streams are not implemented in FerretDB', async () => {
      const stream = Aggregates.watch();
      const outcome = await new Promise<unknown>((resolve) => {
        stream.once('error', resolve);
        setTimeout(() => resolve('no error'), 1000);
      });
      await stream.close();
      if (isFerretDb) expect(outcome).toMatchObject({ codeName: 'NotImplemented' });
      else expect(outcome).toBeDefined();
    });
  });
});
