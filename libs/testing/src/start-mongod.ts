import { type RunningMongoWireServer, startMongoWireServer } from './start-mongo-wire-server';

export interface StartMongodOptions {
  /** Path (or PATH name) of the mongod binary. */
  binary: string;
  /** The bed's folder: data goes to <dir>/mongod, output to <dir>/mongod.log. */
  dir: string;
  timeoutMs?: number;
}

export type RunningMongod = RunningMongoWireServer;

/** A real mongod (when one is installed) on a free loopback port; ready once it answers ping. */
export function startMongod(options: StartMongodOptions): Promise<RunningMongod> {
  return startMongoWireServer({
    name: 'mongod',
    label: 'mongod',
    binary: options.binary,
    dir: options.dir,
    timeoutMs: options.timeoutMs ?? 60_000,
    args: (dataDir, port) => ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'],
  });
}
