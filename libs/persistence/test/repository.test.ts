import { randomUUID } from 'node:crypto';
import { type Connection, Schema, type SchemaDefinition } from 'mongoose';
import { DvError } from '@dv/contracts';
import { AggregateRepository, type Aggregate, type Filter, PlainRepository, aggregateFields, connectMongo } from '../src';

/** A test aggregate with an optional date, a number and an array of objects: the shapes the services' filters use. */
interface Gadget extends Aggregate {
  name: string;
  color: string;
  rank: number;
  tags: { key: string; value: string }[];
  retiredAt?: Date;
}

function gadgetSchema(collection: string): Schema<Gadget> {
  const fields: SchemaDefinition = {
    ...aggregateFields,
    name: { type: String, required: true },
    color: { type: String, required: true },
    rank: { type: Number, required: true },
    tags: { type: [Schema.Types.Mixed], default: [] },
    retiredAt: { type: Date },
  };
  const schema = new Schema<Gadget>(fields, { collection, versionKey: false });
  schema.index({ name: 1 }, { unique: true });
  return schema;
}

/** The reads of the base, made public for the test. */
class Gadgets extends AggregateRepository<Gadget> {
  constructor(connection: Connection, collection: string) {
    super(connection.model<Gadget>(collection, gadgetSchema(collection)), 'gadget', 'name');
  }
  query(filter: Filter<Gadget>, options?: { sort?: { rank?: 1 | -1; _id?: 1 | -1 }; limit?: number }): Promise<Gadget[]> {
    return this.findMany(filter, options);
  }
  fields(filter: Filter<Gadget>): Promise<Pick<Gadget, '_id' | 'color'>[]> {
    return this.findFields(filter, ['color']);
  }
  one(filter: Filter<Gadget>): Promise<Gadget | null> {
    return this.findOne(filter);
  }
  any(filter: Filter<Gadget>): Promise<boolean> {
    return this.exists(filter);
  }
  claims(): Promise<number> {
    return this.store.claims.countDocuments();
  }
}

interface Mark {
  _id: string;
  owner: string;
  seenAt?: Date;
}

class Marks extends PlainRepository<Mark> {
  constructor(connection: Connection, collection: string) {
    super(connection.model<Mark>(collection, new Schema<Mark>({ _id: String, owner: String, seenAt: Date }, { collection, versionKey: false })));
  }
  add(mark: Mark): Promise<boolean> {
    return this.insertOnce(mark);
  }
  see(id: string, at: Date): Promise<number> {
    return this.updateWhere({ _id: id, seenAt: { $exists: false } }, { $set: { seenAt: at } });
  }
  forget(owner: string): Promise<number> {
    return this.deleteWhere({ owner });
  }
}

const noEvents = (): [] => [];

describe('repositories (real MongoDB-wire server)', () => {
  let connection: Connection;

  beforeAll(async () => {
    const url = process.env['MONGO_URL'];
    if (!url) throw new Error('MONGO_URL is not set: run through the workspace jest config');
    connection = await connectMongo({ url, dbName: 'persistence_test' });
  });

  afterAll(async () => {
    await connection.close();
  });

  const name = (prefix: string): string => `${prefix}_${randomUUID().slice(0, 8)}`;

  it('answers typed filters ($or, $exists, $in, $ne, element paths) with sort and limit, and typed field subsets', async () => {
    const gadgets = new Gadgets(connection, name('gadgets'));
    const seed: [string, string, number, string[], Date | undefined][] = [
      ['a', 'red', 3, ['x'], undefined],
      ['b', 'blue', 1, ['y', 'x'], new Date('2026-01-01T00:00:00Z')],
      ['c', 'red', 2, [], undefined],
      ['d', 'green', 4, ['y'], new Date('2026-02-01T00:00:00Z')],
    ];
    for (const [id, color, rank, keys, retiredAt] of seed) {
      await gadgets.insert(
        { _id: id, name: id, color, rank, tags: keys.map((key) => ({ key, value: `${id}-${key}` })), ...(retiredAt ? { retiredAt } : {}) },
        noEvents,
      );
    }
    const ids = (docs: { _id: string }[]): string[] => docs.map((d) => d._id);

    expect(ids(await gadgets.query({ color: 'red' }, { sort: { rank: 1 } }))).toEqual(['c', 'a']);
    expect(ids(await gadgets.query({ $or: [{ retiredAt: { $exists: false } }, { rank: { $gte: 4 } }] }, { sort: { rank: -1 } }))).toEqual(['d', 'a', 'c']);
    expect(ids(await gadgets.query({ retiredAt: { $lt: new Date('2026-01-15T00:00:00Z') } }))).toEqual(['b']);
    expect(ids(await gadgets.query({ 'tags.key': 'x' }, { sort: { _id: 1 } }))).toEqual(['a', 'b']);
    expect(ids(await gadgets.query({ _id: { $in: ['a', 'd', 'z'] }, color: { $ne: 'green' } }))).toEqual(['a']);
    expect(ids(await gadgets.query({}, { sort: { rank: -1 }, limit: 2 }))).toEqual(['d', 'a']);
    // Only the named fields (and _id) come back: nothing else is read.
    expect(await gadgets.fields({ rank: { $lte: 2 } })).toEqual(
      expect.arrayContaining([
        { _id: 'b', color: 'blue' },
        { _id: 'c', color: 'red' },
      ]),
    );
    expect((await gadgets.fields({})).every((g) => Object.keys(g).sort().join() === '_id,color')).toBe(true);
    expect((await gadgets.one({ name: 'b' }))?.retiredAt).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(await gadgets.any({ color: 'purple' })).toBe(false);
    expect(await gadgets.any({ color: 'green' })).toBe(true);

    // Filters and updates are checked against the document: a misspelt field or a value of the wrong type does not compile.
    // @ts-expect-error `colour` is not a field of Gadget
    const misspelt: Filter<Gadget> = { colour: 'red' };
    // @ts-expect-error rank is a number
    const wrongType: Filter<Gadget> = { rank: { $lt: 'three' } };
    // @ts-expect-error `tags.name` is not a field of a tag
    const wrongElement: Filter<Gadget> = { 'tags.name': 'x' };
    expect([misspelt, wrongType, wrongElement]).toHaveLength(3);
  });

  it('writes an aggregate through revision claims, version-guarded, with the unique fields named in a CONFLICT', async () => {
    const collection = name('gadgets');
    const gadgets = new Gadgets(connection, collection);
    const created = await gadgets.insert({ _id: 'g1', name: 'one', color: 'red', rank: 1, tags: [] }, noEvents);
    expect(created).toMatchObject({ version: 1, rev: 1 });
    const updated = await gadgets.update('g1', 1, { $set: { color: 'blue' } }, noEvents);
    expect(updated).toMatchObject({ version: 2, color: 'blue', rev: 2 });
    // The change was claimed as revision 2 (decision 0012), not written over the head.
    expect(await gadgets.claims()).toBe(1);
    await expect(gadgets.update('g1', 1, { $set: { color: 'green' } }, noEvents)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await gadgets.updateWithoutEvents('g1', (current) => current.rank === 1, { $set: { rank: 5 } })).toBe(true);
    expect(await gadgets.updateWithoutEvents('g1', (current) => current.rank === 1, { $set: { rank: 6 } })).toBe(false);
    expect(await gadgets.read('g1')).toMatchObject({ version: 2, rank: 5, rev: 3 });

    const duplicate = gadgets.insert({ _id: 'g2', name: 'one', color: 'red', rank: 1, tags: [] }, noEvents);
    await expect(duplicate).rejects.toBeInstanceOf(DvError);
    await expect(gadgets.insert({ _id: 'g2', name: 'one', color: 'red', rank: 1, tags: [] }, noEvents)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/gadget/),
    });

    await gadgets.delete('g1', 2);
    expect(await gadgets.read('g1')).toBeNull();
    await expect(gadgets.update('g1', 2, { $set: { color: 'red' } }, noEvents)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('counts what a plain repository inserted, updated and deleted', async () => {
    const marks = new Marks(connection, name('marks'));
    expect(await marks.add({ _id: 'm1', owner: 'o1' })).toBe(true);
    expect(await marks.add({ _id: 'm1', owner: 'o2' })).toBe(false);
    expect(await marks.add({ _id: 'm2', owner: 'o1' })).toBe(true);
    expect(await marks.see('m1', new Date(1000))).toBe(1);
    expect(await marks.see('m1', new Date(2000))).toBe(0);
    expect(await marks.forget('o1')).toBe(2);
  });
});
