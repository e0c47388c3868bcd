import { findOnPath } from './find-on-path';
import { type RunningServer } from './running-server';
import { startFerret } from './start-ferret';
import { startMongod } from './start-mongod';

export interface StartMongoOptions {
  /** The bed's folder for data and logs. */
  dir: string;
  /** The ferretdb binary, used when no mongod is installed. */
  ferretdbBinary?: string | undefined;
  /** A mongod to use instead of FerretDB (default: mongod on PATH, if any). */
  mongodBinary?: string | undefined;
}

export interface RunningMongo extends RunningServer {
  kind: 'mongod' | 'ferretdb';
}

/** The MongoDB-wire server of the bed: a real mongod when one is on PATH, else FerretDB on SQLite. */
export async function startMongo(options: StartMongoOptions): Promise<RunningMongo> {
  const mongod = options.mongodBinary ?? findOnPath('mongod');
  if (mongod) return { ...(await startMongod({ binary: mongod, dir: options.dir })), kind: 'mongod' };
  if (!options.ferretdbBinary) throw new Error('no mongod on PATH and no ferretdb binary given');
  return { ...(await startFerret({ binary: options.ferretdbBinary, dir: options.dir })), kind: 'ferretdb' };
}
