import { generateNatsPassword } from '@dv/contracts';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureBinaries } from './ensure-binaries';
import { freePort } from './free-port';
import { httpRequest } from './http-request';
import { endNatsServer } from './restartable-nats';
import { type ServerProcess, spawnServer } from './server-process';
import { type RunningNats } from './start-nats';
import { waitFor } from './wait-for';

/** One nats-server of the cluster: killed and started again on its own ports and store, as an operator's restart would. */
export interface NatsClusterNode {
  /** Its `server_name` (what JetStream names leaders and peers by). */
  readonly name: string;
  /** Its client URL alone (the cluster's `url` lists all three). */
  readonly url: string;
  readonly monitorUrl: string;
  readonly process: ServerProcess;
  running(): boolean;
  /** SIGKILL (the default: a crash) or SIGTERM (its own shutdown); its store stays. */
  kill(options?: { graceful?: boolean }): Promise<void>;
  /**
   * Ends it (if running), waits `downMs`, starts it again on the same ports and store; resolves once
   * its /healthz reports JetStream current (it has caught up on every stream and consumer it holds).
   */
  restart(options?: { graceful?: boolean; downMs?: number }): Promise<void>;
}

export interface NatsCluster extends RunningNats {
  readonly nodes: readonly NatsClusterNode[];
  /** The node leading the JetStream meta group (stream and consumer placement). */
  metaLeader(): Promise<NatsClusterNode>;
  /** The node leading a stream's replica group (where its publishes are stored first). */
  streamLeader(stream: string): Promise<NatsClusterNode>;
  /** Resolves once every running node reports JetStream current (/healthz). */
  healthy(timeoutMs?: number): Promise<void>;
}

export interface StartNatsClusterOptions {
  /** Nodes (3 by default: the smallest cluster that keeps a quorum with one node down). */
  size?: number;
  timeoutMs?: number;
}

interface JszReply {
  meta_cluster?: { leader?: string };
  account_details?: { stream_detail?: { name: string; cluster?: { leader?: string } }[] }[];
}

/**
 * A JetStream cluster of nats-servers on loopback: routes between every node (authenticated by a
 * route user of the cluster's own, random password), one cluster name, a store directory and a
 * `server_name` per node, and each node running the given config (the platform's users and
 * permissions: `SecuredNats.start({ server: (s) => startNatsCluster(s) })`) or an open one with the
 * reason why. Its `url` lists every node, comma-separated, as clients are given it (connectNats).
 */
export async function startNatsCluster(
  options: ({ configFile: string; env?: Record<string, string> } | { open: string }) & StartNatsClusterOptions,
): Promise<NatsCluster> {
  const { natsServer } = await ensureBinaries({ builds: ['nats-server'] });
  if (!natsServer) throw new Error('nats-server binary is not available');
  const size = options.size ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'dv-nats-cluster-'));
  const base = 'configFile' in options ? await readFile(options.configFile, 'utf8') : 'jetstream {}\n';
  const env = 'configFile' in options && options.env !== undefined ? { ...process.env, ...options.env } : undefined;
  const routePassword = generateNatsPassword();
  const ports = await Promise.all(
    Array.from({ length: size }, async (_, i) => ({ name: `dv-n${i + 1}`, client: await freePort(), route: await freePort(), monitor: await freePort() })),
  );
  const routes = ports.map((p) => `"nats://route:${routePassword}@127.0.0.1:${p.route}"`);
  const timeoutMs = options.timeoutMs ?? 30_000;

  const nodes = await Promise.all(
    ports.map(async (p): Promise<NatsClusterNode> => {
      const nodeDir = join(dir, p.name);
      const storeDir = join(nodeDir, 'jetstream');
      await mkdir(storeDir, { recursive: true });
      // The route password is in this file only (mode 0600, the run's tmp folder): nats-server reads no variable inside a URL.
      const configFile = join(nodeDir, 'nats-server.conf');
      const cluster = [
        'cluster {',
        '  name: "dv-testbed"',
        `  listen: "127.0.0.1:${p.route}"`,
        `  authorization { user: "route", password: "${routePassword}" }`,
        `  routes: [${routes.join(', ')}]`,
        '}',
      ];
      await writeFile(configFile, `${base}\n${cluster.join('\n')}\n`, { mode: 0o600 });
      const args = ['-c', configFile, '-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(p.client), '-m', String(p.monitor), '--server_name', p.name];
      const monitorUrl = `http://127.0.0.1:${p.monitor}`;
      let server: ServerProcess | undefined;
      const launch = async (): Promise<void> => {
        server = await spawnServer({
          name: `nats-server ${p.name}`,
          command: natsServer,
          args,
          logPath: join(nodeDir, 'nats-server.log'),
          ...(env ? { env } : {}),
        });
      };
      const current = (): ServerProcess => {
        if (!server) throw new Error(`${p.name} is not started`);
        return server;
      };
      await launch();
      return {
        name: p.name,
        url: `nats://127.0.0.1:${p.client}`,
        monitorUrl,
        get process(): ServerProcess {
          return current();
        },
        running: () => server !== undefined && server.exitReason() === undefined,
        kill: (killOptions) => endNatsServer(server, killOptions?.graceful ?? false),
        restart: async (restartOptions) => {
          await endNatsServer(server, restartOptions?.graceful ?? false);
          if (restartOptions?.downMs) await sleep(restartOptions.downMs);
          await launch();
          await nodeHealthy(monitorUrl, current(), timeoutMs);
        },
      };
    }),
  );

  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.kill({ graceful: true })));
    await rm(dir, { recursive: true, force: true });
  };
  const healthy = (ms = timeoutMs): Promise<void> =>
    Promise.all(nodes.filter((n) => n.running()).map((n) => nodeHealthy(n.monitorUrl, n.process, ms))).then(() => undefined);
  const leaderNamed = async (pick: (jsz: JszReply) => string | undefined, what: string): Promise<NatsClusterNode> =>
    waitFor(
      async () => {
        for (const node of nodes.filter((n) => n.running())) {
          const reply = await httpRequest(`${node.monitorUrl}/jsz?accounts=true&streams=true`).catch(() => undefined);
          if (reply?.status !== 200) continue;
          const leader = pick(JSON.parse(reply.body) as JszReply);
          const found = nodes.find((n) => n.name === leader);
          if (found) return found;
        }
        return undefined;
      },
      { timeoutMs, intervalMs: 100, what },
    );

  try {
    await healthy();
  } catch (error) {
    await stop();
    throw error;
  }
  const first = nodes[0];
  if (!first) throw new Error('a cluster needs at least one node');
  return {
    url: nodes.map((n) => n.url).join(','),
    monitorUrl: first.monitorUrl,
    get process(): ServerProcess {
      return first.process;
    },
    nodes,
    healthy,
    metaLeader: () => leaderNamed((jsz) => jsz.meta_cluster?.leader, 'the JetStream meta leader'),
    streamLeader: (stream) =>
      leaderNamed(
        (jsz) => jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream)?.cluster?.leader,
        `the leader of stream ${stream}`,
      ),
    stop,
  };
}

/** /healthz without options: JetStream enabled, the meta group known, and every stream and consumer on the node current. */
function nodeHealthy(monitorUrl: string, server: ServerProcess, timeoutMs: number): Promise<void> {
  return waitFor(async () => ((await httpRequest(`${monitorUrl}/healthz`).catch(() => undefined))?.status === 200 ? true : undefined), {
    timeoutMs,
    intervalMs: 100,
    what: `${server.name} to report JetStream current at ${monitorUrl}/healthz (log ${server.logPath})`,
    bailOut: () => server.exitedError(),
  }).then(() => undefined);
}
