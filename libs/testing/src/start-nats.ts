import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port';
import { httpRequest } from './http-request';
import { retryStart } from './retry-start';
import { type RunningServer } from './running-server';
import { type ServerProcess, spawnServer } from './server-process';
import { waitFor } from './wait-for';

export interface StartNatsOptions {
  /** Path of the nats-server binary. */
  binary: string;
  /** The bed's folder: JetStream data goes to <dir>/nats, output to <dir>/nats-server.log. */
  dir: string;
  timeoutMs?: number;
  /** A config file (`-c`), e.g. deploy/nats/nats-server.conf; the command line still sets address, ports and store. */
  configFile?: string;
  /** Added to the server's environment (the `$DV_NATS_<CLIENT>_PASSWORD` a config refers to). */
  env?: Record<string, string>;
  /** More command-line arguments, after the bed's own. */
  extraArgs?: readonly string[];
}

export interface RunningNats extends RunningServer {
  monitorUrl: string;
  process: ServerProcess;
}

/** nats-server with JetStream on a free loopback port; ready once /healthz reports JetStream healthy. */
export function startNats(options: StartNatsOptions): Promise<RunningNats> {
  return retryStart(2, async () => {
    const storeDir = join(options.dir, 'nats');
    await mkdir(storeDir, { recursive: true });
    const port = await freePort();
    const monitorPort = await freePort();
    const server = await spawnServer({
      name: 'nats-server',
      command: options.binary,
      args: [
        ...(options.configFile !== undefined ? ['-c', options.configFile] : []),
        ...['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '--server_name', 'dv-testbed'],
        ...(options.extraArgs ?? []),
      ],
      logPath: join(options.dir, 'nats-server.log'),
      ...(options.env !== undefined ? { env: { ...process.env, ...options.env } } : {}),
    });
    const monitorUrl = `http://127.0.0.1:${monitorPort}`;
    try {
      await waitFor(async () => (await httpRequest(`${monitorUrl}/healthz?js-enabled-only=true`)).status === 200, {
        timeoutMs: options.timeoutMs ?? 30_000,
        what: `nats-server to report healthy at ${monitorUrl}/healthz (log ${server.logPath})`,
        bailOut: () => server.exitedError(),
      });
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return { url: `nats://127.0.0.1:${port}`, monitorUrl, process: server, stop: () => server.stop() };
  });
}
