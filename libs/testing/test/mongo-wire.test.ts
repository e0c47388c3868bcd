import mongoose, { type Connection, Schema } from 'mongoose';
import { bedEnv, uniqueName } from './bed-env';

interface Volume {
  name: string;
  sizeGi: number;
  labels: string[];
}

describe('MongoDB-wire server of the test bed', () => {
  let connection: Connection;

  beforeAll(async () => {
    connection = await mongoose.createConnection(bedEnv('MONGO_URL'), { dbName: uniqueName('testing-mongo') }).asPromise();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('creates, reads, updates and deletes documents with mongoose', async () => {
    const Volumes = connection.model<Volume>('Volume', new Schema<Volume>({ name: { type: String, required: true }, sizeGi: Number, labels: [String] }));
    const created = await Volumes.create({ name: 'imagenet', sizeGi: 140, labels: ['vision'] });

    expect((await Volumes.findById(created._id).lean())?.sizeGi).toBe(140);
    await Volumes.updateOne({ _id: created._id }, { $set: { sizeGi: 150 }, $push: { labels: 'public' } });
    expect(await Volumes.findById(created._id).lean()).toMatchObject({ name: 'imagenet', sizeGi: 150, labels: ['vision', 'public'] });
    expect((await Volumes.deleteOne({ _id: created._id })).deletedCount).toBe(1);
    expect(await Volumes.countDocuments()).toBe(0);
  });

  it('surfaces a unique-index violation as duplicate key error 11000', async () => {
    const Names = connection.model('UniqueName', new Schema({ name: { type: String, required: true, unique: true } }));
    await Names.init();
    await Names.create({ name: 'coco' });

    await expect(Names.create({ name: 'coco' })).rejects.toMatchObject({ code: 11000 });
  });
});
