// The guarded-write race (issue 12, finding 1), on every MongoDB-wire store the project ships or tests:
// FerretDB on SQLite (the embedded default), FerretDB on PostgreSQL (when PostgreSQL is installed) and a
// mongod found on PATH. For each store, PAIRS pairs of writers race on one aggregate at one version:
//  - raw:  two `findOneAndUpdate({_id, version})` (the store's own conditional update, what we used to trust);
//  - ours: two `updateWithEvents` (GuardedStore: a unique-keyed claim per revision).
// A pair with two successes is a lost write. Ours must have none on every store. Also: the cost of one
// uncontended write, raw vs ours. Prints JSON on stdout.
// Run: node -r ./scripts/ts-register.js test/bench/guarded-write.bench.ts
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Aggregate, aggregateFields, connectMongo, insertWithEvents, updateWithEvents } from '@dv/persistence';
import { type RunningServer, ensureBinaries, findOnPath, findPostgres, startFerret, startFerretPostgres, startMongod } from '@dv/testing';
import { Logger } from '@nestjs/common';
import { type Connection, type Model, Schema } from 'mongoose';
import { LatencyHistogram } from './harness/histogram';
import { scaled } from './harness/load';
import { benchMain, machine, progress } from './harness/report';

// stdout carries only the JSON result: the connection's log lines would break it.
Logger.overrideLogger(false);

const PAIRS = scaled(300);
const SOLO_WRITES = scaled(300);

interface Item extends Aggregate {
  n: number;
}

interface StoreResult {
  store: string;
  pairs: number;
  raw: { double_successes: number; single: number; none: number };
  ours: { double_successes: number; single: number; none: number; errors: number };
  uncontended_write_us: { raw_p50: number; ours_p50: number; raw_p99: number; ours_p99: number };
}

function itemModel(connection: Connection): Model<Item> {
  const name = `race_${randomUUID().slice(0, 8)}`;
  return connection.model<Item>(name, new Schema<Item>({ ...aggregateFields, n: Number }, { collection: name, versionKey: false }));
}

async function raceOn(store: string, url: string): Promise<StoreResult> {
  const connection = await connectMongo({ url, dbName: 'guarded_write_bench' });
  try {
    const model = itemModel(connection);
    await model.init();
    const raw = { double_successes: 0, single: 0, none: 0 };
    const ours = { double_successes: 0, single: 0, none: 0, errors: 0 };
    for (let i = 0; i < PAIRS; i++) {
      const a = randomUUID();
      await model.insertMany([{ _id: a, n: 0, version: 1, outbox: [] }]);
      const results = await Promise.all(
        [1, 2].map((n) =>
          model
            .findOneAndUpdate({ _id: a, version: 1 }, { $set: { n, version: 2 } }, { returnDocument: 'after' })
            .lean()
            .exec(),
        ),
      );
      const wins = results.filter((r) => r !== null).length;
      if (wins === 2) raw.double_successes++;
      else if (wins === 1) raw.single++;
      else raw.none++;

      const b = randomUUID();
      await insertWithEvents(model, { _id: b, n: 0 }, () => []);
      const settled = await Promise.allSettled([1, 2].map((n) => updateWithEvents(model, b, 1, { $set: { n } }, () => [])));
      const won = settled.filter((r) => r.status === 'fulfilled').length;
      ours.errors += settled.filter((r) => r.status === 'rejected' && (r.reason as { code?: string }).code !== 'CONFLICT').length;
      if (won === 2) ours.double_successes++;
      else if (won === 1) ours.single++;
      else ours.none++;
    }
    const rawSolo = new LatencyHistogram();
    const oursSolo = new LatencyHistogram();
    const id = randomUUID();
    await model.insertMany([{ _id: id, n: 0, version: 1, outbox: [] }]);
    const guarded = randomUUID();
    await insertWithEvents(model, { _id: guarded, n: 0 }, () => []);
    for (let v = 1; v <= SOLO_WRITES; v++) {
      let t = process.hrtime.bigint();
      await model
        .findOneAndUpdate({ _id: id, version: v }, { $set: { n: v, version: v + 1 } })
        .lean()
        .exec();
      rawSolo.recordNs(process.hrtime.bigint() - t);
      t = process.hrtime.bigint();
      await updateWithEvents(model, guarded, v, { $set: { n: v } }, () => []);
      oursSolo.recordNs(process.hrtime.bigint() - t);
    }
    const p = (h: LatencyHistogram, q: number): number => Math.round(h.percentile(q));
    return {
      store,
      pairs: PAIRS,
      raw,
      ours,
      uncontended_write_us: { raw_p50: p(rawSolo, 50), ours_p50: p(oursSolo, 50), raw_p99: p(rawSolo, 99), ours_p99: p(oursSolo, 99) },
    };
  } finally {
    await connection.close();
  }
}

async function withServer<T>(start: (dir: string) => Promise<RunningServer>, run: (url: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'dv-bench-store-'));
  const server = await start(dir);
  try {
    return await run(server.url);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

benchMain(async () => {
  const binaries = await ensureBinaries({ builds: ['ferretdb'], log: (line) => progress(line) });
  const ferretdb = binaries.ferretdb;
  if (!ferretdb) throw new Error('no ferretdb binary');
  const stores: StoreResult[] = [];
  progress(`FerretDB on SQLite: ${PAIRS} pairs`);
  stores.push(
    await withServer(
      (dir) => startFerret({ binary: ferretdb, dir }),
      (url) => raceOn('FerretDB 1.24 / SQLite', url),
    ),
  );
  const notMeasured: string[] = [];
  if (findPostgres()) {
    progress(`FerretDB on PostgreSQL: ${PAIRS} pairs`);
    stores.push(
      await withServer(
        (dir) => startFerretPostgres({ ferretdbBinary: ferretdb, dir }),
        (url) => raceOn('FerretDB 1.24 / PostgreSQL', url),
      ),
    );
  } else notMeasured.push('FerretDB / PostgreSQL: PostgreSQL is not installed');
  const mongod = findOnPath('mongod');
  if (mongod) {
    progress(`mongod: ${PAIRS} pairs`);
    stores.push(
      await withServer(
        (dir) => startMongod({ binary: mongod, dir }),
        (url) => raceOn('mongod', url),
      ),
    );
  } else notMeasured.push('mongod: not on PATH');
  return {
    benchmark: 'guarded-write',
    what: 'pairs of writers racing on one {_id, version} guard; a double success is a lost write',
    required: 'ours.double_successes = 0 on every store',
    pass: stores.every((s) => s.ours.double_successes === 0 && s.ours.errors === 0),
    stores,
    not_measured: notMeasured,
    machine: machine(),
  };
});
