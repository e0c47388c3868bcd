import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBinaries } from './ensure-binaries';
import { freePort } from './free-port';
import { httpRequest } from './http-request';
import { type ServerProcess, spawnServer } from './server-process';
import { type RunningNats, type StartNatsOptions } from './start-nats';
import { waitFor } from './wait-for';

export interface RestartableNats extends RunningNats {
  /**
   * Ends the server: abruptly (SIGKILL, the default: clients see the connection drop) or with its own
   * shutdown (SIGTERM). JetStream's store stays.
   */
  kill(options?: { graceful?: boolean }): Promise<void>;
  /**
   * Ends the server (if running) and starts it again on the same ports with the same store, after
   * `downMs` (0 by default); resolves once JetStream is healthy.
   */
  restart(options?: { graceful?: boolean; downMs?: number }): Promise<void>;
}

/**
 * A nats-server of one's own (JetStream on, fresh store) that a fault test can kill and start again
 * on the same address and store directory, as an operator's restart would: streams, durable consumers
 * and their acks survive, connections and ephemeral (ordered) consumers do not. With the platform's
 * config (`SecuredNats.start({ server: startRestartableNats })`), or open with the reason why.
 */
export async function startRestartableNats(
  options: ({ configFile: string; env?: Record<string, string> } | { open: string }) & Pick<StartNatsOptions, 'extraArgs' | 'timeoutMs'>,
): Promise<RestartableNats> {
  const { natsServer } = await ensureBinaries({ builds: ['nats-server'] });
  if (!natsServer) throw new Error('nats-server binary is not available');
  const dir = await mkdtemp(join(tmpdir(), 'dv-nats-restartable-'));
  const storeDir = join(dir, 'nats');
  await mkdir(storeDir, { recursive: true });
  const port = await freePort();
  const monitorPort = await freePort();
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  const secured = 'configFile' in options ? options : undefined;
  const args = [
    ...(secured ? ['-c', secured.configFile] : []),
    ...['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '--server_name', 'dv-testbed'],
    ...(options.extraArgs ?? []),
  ];
  let server: ServerProcess | undefined;

  const launch = async (): Promise<void> => {
    const started = await spawnServer({
      name: 'nats-server',
      command: natsServer,
      args,
      logPath: join(dir, 'nats-server.log'),
      ...(secured?.env !== undefined ? { env: { ...process.env, ...secured.env } } : {}),
    });
    server = started;
    // The port was free a moment ago and is ours again after a kill; a race with another process is not retried here.
    await waitFor(async () => (await httpRequest(`${monitorUrl}/healthz?js-enabled-only=true`)).status === 200, {
      timeoutMs: options.timeoutMs ?? 30_000,
      intervalMs: 50,
      what: `nats-server to report healthy at ${monitorUrl}/healthz (log ${started.logPath})`,
      bailOut: () => started.exitedError(),
    });
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl,
    get process(): ServerProcess {
      if (!server) throw new Error('nats-server is not started');
      return server;
    },
    kill: (killOptions) => endNatsServer(server, killOptions?.graceful ?? false),
    restart: async (restartOptions) => {
      await endNatsServer(server, restartOptions?.graceful ?? false);
      if (restartOptions?.downMs) await sleep(restartOptions.downMs);
      await launch();
    },
    stop: async () => {
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** SIGTERM (its own shutdown), or SIGKILL (none: what a crash or `kill -9` does); then waits for the exit. */
export async function endNatsServer(server: ServerProcess | undefined, graceful: boolean): Promise<void> {
  if (!server) return;
  if (!graceful && server.exitReason() === undefined) {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await server.stop();
}
