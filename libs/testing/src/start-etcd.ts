import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port';
import { httpRequest } from './http-request';
import { retryStart } from './retry-start';
import { type RunningServer } from './running-server';
import { type ServerProcess, spawnServer } from './server-process';
import { waitFor } from './wait-for';

export interface StartEtcdOptions {
  /** Path of the etcd binary. */
  binary: string;
  /** The bed's folder: data goes to <dir>/etcd, output to <dir>/etcd.log. */
  dir: string;
  timeoutMs?: number;
}

export interface RunningEtcd extends RunningServer {
  process: ServerProcess;
}

/** A single-member etcd on free loopback ports (no fsync: test data only); ready once /health says so. */
export function startEtcd(options: StartEtcdOptions): Promise<RunningEtcd> {
  return retryStart(2, async () => {
    const dataDir = join(options.dir, 'etcd');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const clientUrl = `http://127.0.0.1:${await freePort()}`;
    const peerUrl = `http://127.0.0.1:${await freePort()}`;
    const server = await spawnServer({
      name: 'etcd',
      command: options.binary,
      args: [
        '--name=dv-testbed',
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=dv-testbed=${peerUrl}`,
        '--initial-cluster-state=new',
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      logPath: join(options.dir, 'etcd.log'),
    });
    try {
      await waitFor(async () => /"health":\s*"true"/.test((await httpRequest(`${clientUrl}/health`)).body), {
        timeoutMs: options.timeoutMs ?? 30_000,
        what: `etcd to report healthy at ${clientUrl}/health (log ${server.logPath})`,
        bailOut: () => server.exitedError(),
      });
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return { url: clientUrl, process: server, stop: () => server.stop() };
  });
}
