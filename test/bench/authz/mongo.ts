import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries, startMongo } from '@dv/testing';
import { progress } from '../harness/report';

export interface BenchMongo {
  url: string;
  origin: string;
  stop(): Promise<void>;
}

/**
 * The MongoDB-wire server of the authz replicas: MONGO_URL when set, else the test bed's own (a mongod
 * on PATH, or FerretDB on SQLite from the cached build) on a free port, stopped with stop(). Only this
 * server: the rest of the test bed (etcd, kube-apiserver) would load the same 2 cores for nothing.
 */
export async function startBenchMongo(): Promise<BenchMongo> {
  const external = process.env['MONGO_URL'];
  if (external) return { url: external, origin: 'MONGO_URL', stop: async () => undefined };
  const binaries = await ensureBinaries({ builds: ['ferretdb'], log: (line) => progress(line) });
  const dir = await mkdtemp(join(tmpdir(), 'dv-bench-mongo-'));
  try {
    const mongo = await startMongo({ dir, ferretdbBinary: binaries.ferretdb });
    progress(`${mongo.kind} at ${mongo.url} (data in ${dir})`);
    return {
      url: mongo.url,
      origin: `${mongo.kind} started by the benchmark`,
      stop: async () => {
        await mongo.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error: unknown) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
