import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerBuild, ensureBinaries } from './ensure-binaries';
import { findOnPath } from './find-on-path';
import { kubeconfigToken } from './kubeconfig-token';
import { type ProgressLog, stderrProgressLog } from './progress-log';
import { type RunningServer } from './running-server';
import type { SecuredNats } from './secured-nats';
import { type WebhookClientFiles, startKube } from './start-kube';
import { WORKLOAD_CRDS, installWorkloadCrds } from './workload-crds';
import { startMongo } from './start-mongo';
import { startNats } from './start-nats';

/** The servers tests and the local dev run talk to. */
export interface TestBed {
  natsUrl: string;
  mongoUrl: string;
  kubeconfigPath: string;
  /** Bearer token of the kubeconfig's user (undefined for an external cluster without KUBE_TOKEN or a token user). */
  kubeToken: string | undefined;
  /** Temporary folder with the data and logs of the servers this bed started. */
  dir: string;
  /**
   * NATS_URL, MONGO_URL, KUBECONFIG and KUBE_TOKEN, for process.env or a child's environment; with our
   * own kube-apiserver also KUBE_WEBHOOK_CLIENT_CA_FILE (the CA of the client certificate it presents to
   * admission webhooks) and KUBE_WEBHOOK_CLIENT_CERT_FILE / _KEY_FILE (that certificate).
   */
  env: Record<string, string>;
  /**
   * The nats-server this bed started with the platform's users and permissions on: each process
   * connects as its client (`serviceEnv`, `connectAs`). Undefined for an open or an external server.
   */
  securedNats: SecuredNats | undefined;
  /** Stops what this bed started (SIGTERM, then SIGKILL), then removes dir. Idempotent. */
  stop(): Promise<void>;
}

export interface StartTestBedOptions {
  /** Where NATS_URL, MONGO_URL and KUBECONFIG (+ KUBE_TOKEN) of external servers are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  log?: ProgressLog;
  /** Binary cache (default ${XDG_CACHE_HOME:-~/.cache}/dv-testbed). */
  cacheRoot?: string;
  /** Keep dir (data and logs) after stop. */
  keepDir?: boolean;
  /**
   * How it starts nats-server, a choice every caller makes: `secured` starts it with the platform's
   * users and permissions (`startSecuredTestBed` passes `SecuredNats.start`: the default of the
   * local run and of every harness); `{ open: why }` starts it without users, saying why.
   */
  nats: { open: string } | { secured: (options: { dir: string; binary: string }) => Promise<SecuredNats> };
}

function elapsed(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)}s`;
}

/**
 * Starts nats-server (JetStream), a MongoDB-wire server and etcd + kube-apiserver on free loopback ports,
 * building missing binaries first. A server given by NATS_URL, MONGO_URL or KUBECONFIG is used as is.
 * If a server fails to start, the others are stopped and the error names the folder with the logs.
 */
export async function startTestBed(options: StartTestBedOptions): Promise<TestBed> {
  const env = options.env ?? process.env;
  const log = options.log ?? stderrProgressLog;
  const external = { nats: env['NATS_URL'], mongo: env['MONGO_URL'], kubeconfig: env['KUBECONFIG'] };
  const mongod = external.mongo ? undefined : findOnPath('mongod', env['PATH']);
  const builds: ServerBuild[] = [];
  if (!external.nats) builds.push('nats-server');
  if (!external.mongo && !mongod) builds.push('ferretdb');
  if (!external.kubeconfig) builds.push('kube');
  if (external.nats) log(`using the NATS server of NATS_URL=${external.nats}`);
  if (external.mongo) log(`using the MongoDB server of MONGO_URL=${external.mongo}`);
  if (external.kubeconfig) log(`using the Kubernetes cluster of KUBECONFIG=${external.kubeconfig}`);
  const binaries = await ensureBinaries({ builds, log, cacheRoot: options.cacheRoot });

  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'dv-testbed-'));
  const running: RunningServer[] = [];
  const track = async <T extends RunningServer>(what: string, start: () => Promise<T>): Promise<T> => {
    const since = Date.now();
    const server = await start();
    running.push(server);
    log(`${what} ready at ${server.url} (${elapsed(since)})`);
    return server;
  };
  const stopAll = (): Promise<void> => Promise.all(running.map((s) => s.stop())).then(() => undefined);

  let securedNats: SecuredNats | undefined;
  const natsChoice = options.nats;
  const startOurNats = async (): Promise<RunningServer> => {
    const binary = binaries.natsServer ?? 'nats-server';
    if ('open' in natsChoice) return startNats({ binary, dir });
    const secured = await natsChoice.secured({ dir, binary });
    securedNats = secured;
    return { url: secured.url, stop: () => secured.stop() };
  };
  const [nats, mongo, kube] = await Promise.allSettled([
    external.nats ? undefined : track('open' in natsChoice ? `nats-server (open: ${natsChoice.open})` : 'nats-server (users and permissions on)', startOurNats),
    external.mongo ? undefined : track(mongod ? 'mongod' : 'FerretDB', () => startMongo({ dir, mongodBinary: mongod, ferretdbBinary: binaries.ferretdb })),
    external.kubeconfig
      ? undefined
      : track('kube-apiserver', () => startKube({ etcdBinary: binaries.etcd ?? 'etcd', kubeApiserverBinary: binaries.kubeApiserver ?? 'kube-apiserver', dir })),
  ]);
  const failures = [nats, mongo, kube].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (nats.status === 'rejected' || mongo.status === 'rejected' || kube.status === 'rejected') {
    await stopAll();
    const messages = failures.map((e) => (e instanceof Error ? e.message : String(e))).join('\n\n');
    throw new Error(`test bed failed to start (data and logs kept in ${dir}):\n${messages}`);
  }

  const natsUrl = external.nats ?? nats.value?.url ?? '';
  const mongoUrl = external.mongo ?? mongo.value?.url ?? '';
  const kubeconfigPath = external.kubeconfig ?? kube.value?.kubeconfigPath ?? '';
  const kubeToken = env['KUBE_TOKEN'] ?? kube.value?.token ?? (await kubeconfigToken(kubeconfigPath).catch(() => undefined));
  if (kube.value) {
    // Our own kube-apiserver gets the CRDs of the third-party workload kinds admission is shown with.
    const since = Date.now();
    await installWorkloadCrds(kubeconfigPath);
    log(`workload CRDs installed (${WORKLOAD_CRDS.map((c) => c.kind).join(', ')}) (${elapsed(since)})`);
  }
  if (running.length > 0) log(`test bed up in ${elapsed(started)} (data and logs in ${dir})`);

  let stopping: Promise<void> | undefined;
  return {
    natsUrl,
    mongoUrl,
    kubeconfigPath,
    kubeToken,
    dir,
    env: {
      NATS_URL: natsUrl,
      MONGO_URL: mongoUrl,
      KUBECONFIG: kubeconfigPath,
      ...(kubeToken ? { KUBE_TOKEN: kubeToken } : {}),
      ...webhookClientEnv(kube.value?.webhookClient),
    },
    securedNats,
    stop: () =>
      (stopping ??= (async () => {
        await stopAll();
        if (!options.keepDir) await rm(dir, { recursive: true, force: true });
      })()),
  };
}

function webhookClientEnv(files: WebhookClientFiles | undefined): Record<string, string> {
  if (!files) return {};
  return { KUBE_WEBHOOK_CLIENT_CA_FILE: files.caPath, KUBE_WEBHOOK_CLIENT_CERT_FILE: files.certPath, KUBE_WEBHOOK_CLIENT_KEY_FILE: files.keyPath };
}
