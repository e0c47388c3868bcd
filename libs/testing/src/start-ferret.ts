import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port';
import { mongoPing } from './mongo-ping';
import { retryStart } from './retry-start';
import { type RunningServer } from './running-server';
import { type ServerProcess, spawnServer } from './server-process';
import { waitFor } from './wait-for';

export interface StartFerretOptions {
  /** Path of the ferretdb binary. */
  binary: string;
  /** The bed's folder: SQLite files go to <dir>/ferretdb, output to <dir>/ferretdb.log. */
  dir: string;
  timeoutMs?: number;
}

export interface RunningFerret extends RunningServer {
  process: ServerProcess;
}

/** FerretDB (MongoDB wire protocol) on SQLite, on a free loopback port; ready once it answers ping. */
export function startFerret(options: StartFerretOptions): Promise<RunningFerret> {
  return retryStart(2, async () => {
    const dataDir = join(options.dir, 'ferretdb');
    await mkdir(dataDir, { recursive: true });
    const port = await freePort();
    const server = await spawnServer({
      name: 'ferretdb',
      command: options.binary,
      args: [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${dataDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
      logPath: join(options.dir, 'ferretdb.log'),
    });
    const url = `mongodb://127.0.0.1:${port}/`;
    try {
      await waitFor(() => mongoPing(url, 1000), {
        timeoutMs: options.timeoutMs ?? 30_000,
        what: `FerretDB to answer ping at ${url} (log ${server.logPath})`,
        intervalMs: 200,
        bailOut: () => server.exitedError(),
      });
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return { url, process: server, stop: () => server.stop() };
  });
}
