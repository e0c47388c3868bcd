import { connectMongo } from '@dv/persistence';
import { randomUUID } from 'node:crypto';
import { type Connection } from 'mongoose';
import { type UsageDoc } from '../src/usage/usage.model';
import { UsageRepository } from '../src/usage/usage.repository';

// A usage record decides whether a data volume may be deleted, so its writes must not be lost. On the
// test bed's store (FerretDB) a conditional update is a read, then a write by _id: a release of an old
// admission racing a newer admission of the same workload could land last and release the newer one,
// and the volume would look unused while a workload mounts it (decision 0012 covers these writes now).

const ROUNDS = 40;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through the workspace jest config, which starts the test bed`);
  return value;
}

function admission(key: string, reviewId: string, admittedAt: Date, volumeIds: string[]): UsageDoc {
  return { _id: key, volumeIds, namespace: 'dv-p1', projectId: 'p1', kind: 'Pod', name: 'train', reviewId, via: 'rpc', admittedAt, generated: false };
}

describe('usage records under racing writers (real MongoDB-wire server)', () => {
  let connection: Connection;
  let usages: UsageRepository;

  beforeAll(async () => {
    connection = await connectMongo({ url: env('MONGO_URL'), dbName: `admission_usage_race_${randomUUID().slice(0, 8)}` });
    usages = new UsageRepository(connection);
    await usages.model.init();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('a newer admission racing the release of the older one always ends admitted, never released', async () => {
    const wrong: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const key = `Pod/dv-p1/train-${round}`;
      const first = admission(key, `r1-${round}`, new Date(1_000), ['vol-a']);
      expect(await usages.insertFirst(first)).toBe(true);
      const releasedAt = new Date(2_000); // the first incarnation finished
      const second = admission(key, `r2-${round}`, new Date(3_000), ['vol-b']); // resubmitted after that
      await Promise.all([usages.release(first, releasedAt), usages.replaceWithNewer(second)]);
      const stored = await usages.byKey(key);
      if (stored?.reviewId !== second.reviewId || stored.releasedAt !== undefined || stored.volumeIds.join() !== 'vol-b')
        wrong.push(`${round}: ${JSON.stringify({ reviewId: stored?.reviewId, releasedAt: stored?.releasedAt, volumeIds: stored?.volumeIds })}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a release racing a second copy of the same release, and a naming, loses nothing', async () => {
    for (let round = 0; round < ROUNDS / 4; round++) {
      const key = `Job/dv-p1/gen-${round}`;
      const doc = { ...admission(key, `r-${round}`, new Date(1_000), ['vol-c']), name: 'gen-*', generated: true };
      expect(await usages.insertFirst(doc)).toBe(true);
      const results = await Promise.all([usages.release(doc, new Date(2_000)), usages.release(doc, new Date(2_000)), usages.named(doc, `gen-${round}x`)]);
      expect(results.filter((r) => r === true)).toHaveLength(1); // one release wins; the copy finds it released
      const stored = await usages.byKey(key);
      expect(stored).toMatchObject({ volumeIds: [], releasedAt: new Date(2_000), name: `gen-${round}x`, generated: false });
    }
  });

  it('refuses a second first insert, keeps a tombstone once, and expires released records', async () => {
    const key = `Pod/dv-p1/once-${randomUUID().slice(0, 6)}`;
    expect(await usages.insertFirst(admission(key, 'r1', new Date(1_000), ['v']))).toBe(true);
    expect(await usages.insertFirst(admission(key, 'r2', new Date(2_000), ['v']))).toBe(false);
    const tomb = `${key}-tomb`;
    const tombstone = { ...admission(tomb, '', new Date(0), []), releasedAt: new Date(5_000) };
    const inserted = await Promise.all([usages.insertIfAbsent(tombstone), usages.insertIfAbsent(tombstone)]);
    expect(inserted.filter(Boolean)).toHaveLength(1);
    expect(await usages.expireReleasedBefore(new Date(6_000))).toBeGreaterThanOrEqual(1);
    expect(await usages.byKey(tomb)).toBeNull();
    expect(await usages.byKey(key)).not.toBeNull();
  });
});
