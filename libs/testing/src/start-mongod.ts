import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port';
import { mongoPing } from './mongo-ping';
import { retryStart } from './retry-start';
import { type RunningServer } from './running-server';
import { type ServerProcess, spawnServer } from './server-process';
import { waitFor } from './wait-for';

export interface StartMongodOptions {
  /** Path (or PATH name) of the mongod binary. */
  binary: string;
  /** The bed's folder: data goes to <dir>/mongod, output to <dir>/mongod.log. */
  dir: string;
  timeoutMs?: number;
}

export interface RunningMongod extends RunningServer {
  process: ServerProcess;
}

/** A real mongod (when one is installed) on a free loopback port; ready once it answers ping. */
export function startMongod(options: StartMongodOptions): Promise<RunningMongod> {
  return retryStart(2, async () => {
    const dataDir = join(options.dir, 'mongod');
    await mkdir(dataDir, { recursive: true });
    const port = await freePort();
    const server = await spawnServer({
      name: 'mongod',
      command: options.binary,
      args: ['--dbpath', dataDir, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'],
      logPath: join(options.dir, 'mongod.log'),
    });
    const url = `mongodb://127.0.0.1:${port}/`;
    try {
      await waitFor(() => mongoPing(url, 1000), {
        timeoutMs: options.timeoutMs ?? 60_000,
        what: `mongod to answer ping at ${url} (log ${server.logPath})`,
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
