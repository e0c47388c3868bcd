import { join } from 'node:path';
import { ensureCachedBuild } from './cached-build';
import { cacheRoot } from './cache-root';
import { ferretdbBuild } from './ferretdb-build';
import { kubeBuild } from './kube-build';
import { natsServerBuild } from './nats-server-build';
import { type ProgressLog, stderrProgressLog } from './progress-log';

/** The server builds the test bed knows. */
export type ServerBuild = 'nats-server' | 'ferretdb' | 'kube';

export const ALL_SERVER_BUILDS: readonly ServerBuild[] = ['nats-server', 'ferretdb', 'kube'];

/** Absolute paths of the binaries that were asked for. */
export interface BinaryPaths {
  natsServer?: string;
  ferretdb?: string;
  etcd?: string;
  kubeApiserver?: string;
  kubectl?: string;
}

export interface EnsureBinariesOptions {
  /** Which builds are needed (all by default). */
  builds?: readonly ServerBuild[];
  log?: ProgressLog;
  cacheRoot?: string | undefined;
}

/** Builds whichever server binaries the cache lacks (once, under a lock) and returns their paths. */
export async function ensureBinaries(options: EnsureBinariesOptions = {}): Promise<BinaryPaths> {
  const builds = options.builds ?? ALL_SERVER_BUILDS;
  const log = options.log ?? stderrProgressLog;
  const root = options.cacheRoot ?? cacheRoot();
  const paths: BinaryPaths = {};
  if (builds.includes('nats-server')) {
    paths.natsServer = join(await ensureCachedBuild(natsServerBuild(), root, log), 'nats-server');
  }
  if (builds.includes('ferretdb')) {
    paths.ferretdb = join(await ensureCachedBuild(ferretdbBuild(), root, log), 'ferretdb');
  }
  if (builds.includes('kube')) {
    const binDir = await ensureCachedBuild(kubeBuild(), root, log);
    paths.etcd = join(binDir, 'etcd');
    paths.kubeApiserver = join(binDir, 'kube-apiserver');
    paths.kubectl = join(binDir, 'kubectl');
  }
  return paths;
}
