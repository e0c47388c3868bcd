import { type RunningMongoWireServer, startMongoWireServer } from './start-mongo-wire-server';

export interface StartFerretOptions {
  /** Path of the ferretdb binary. */
  binary: string;
  /** The bed's folder: SQLite files go to <dir>/ferretdb, output to <dir>/ferretdb.log. */
  dir: string;
  timeoutMs?: number;
  /** A fixed port: a restarted server (same dir, same data) where its clients expect it. */
  port?: number;
}

export type RunningFerret = RunningMongoWireServer;

/** FerretDB (MongoDB wire protocol) on SQLite, on a free loopback port; ready once it answers ping. */
export function startFerret(options: StartFerretOptions): Promise<RunningFerret> {
  return startMongoWireServer({
    name: 'ferretdb',
    label: 'FerretDB',
    binary: options.binary,
    dir: options.dir,
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.port !== undefined ? { port: options.port } : {}),
    // --debug-addr=-: FerretDB would otherwise bind 127.0.0.1:8088, and two beds would clash.
    args: (dataDir, port) => [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${dataDir}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
    ],
  });
}
