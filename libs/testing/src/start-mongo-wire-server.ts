import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port';
import { mongoPing } from './mongo-ping';
import { retryStart } from './retry-start';
import { type RunningServer } from './running-server';
import { type ServerProcess, spawnServer } from './server-process';
import { waitFor } from './wait-for';

export interface MongoWireServerSpec {
  /** Server name: its data folder <dir>/<name>, its log <dir>/<name>.log. */
  name: string;
  label: string;
  binary: string;
  dir: string;
  timeoutMs: number;
  args: (dataDir: string, port: number) => string[];
  /** A fixed port (to restart a server where its clients expect it); a free one by default. */
  port?: number;
}

export interface RunningMongoWireServer extends RunningServer {
  process: ServerProcess;
}

/** Any MongoDB-wire server (FerretDB, mongod) on a free loopback port; ready once it answers ping. */
export function startMongoWireServer(spec: MongoWireServerSpec): Promise<RunningMongoWireServer> {
  return retryStart(2, async () => {
    const dataDir = join(spec.dir, spec.name);
    await mkdir(dataDir, { recursive: true });
    const port = spec.port ?? (await freePort());
    const server = await spawnServer({ name: spec.name, command: spec.binary, args: spec.args(dataDir, port), logPath: join(spec.dir, `${spec.name}.log`) });
    const url = `mongodb://127.0.0.1:${port}/`;
    try {
      await waitFor(() => mongoPing(url, 1000), {
        timeoutMs: spec.timeoutMs,
        what: `${spec.label} to answer ping at ${url} (log ${server.logPath})`,
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
