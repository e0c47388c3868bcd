import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot } from './cache-root';
import { type CachedBuild, ensureCachedBuild } from './cached-build';
import { type ProgressLog, stderrProgressLog } from './progress-log';
import { runGo } from './run-go';
import { HELM_VERSION } from './server-versions';

/**
 * Helm v4, installed from the Go module proxy. The version is stamped the way Helm's Makefile does it,
 * so `helm version` names it (and chart `kubeVersion`/capability checks see a real release).
 */
export function helmBuild(version = HELM_VERSION): CachedBuild {
  return {
    key: `helm-${version}`,
    what: `Helm ${version}`,
    binaries: ['helm'],
    build: async (binDir, logPath) => {
      const ldflags = ['-s', '-w', `-X helm.sh/helm/v4/internal/version.version=${version}`, '-X helm.sh/helm/v4/internal/version.gitTreeState=clean'];
      await runGo(['install', '-trimpath', `-ldflags=${ldflags.join(' ')}`, `helm.sh/helm/v4/cmd/helm@${version}`], {
        cwd: tmpdir(),
        logPath,
        env: { GOBIN: binDir, CGO_ENABLED: '0' },
      });
    },
  };
}

/** The helm binary, built into the cache the first time (under a lock, progress on stderr). */
export async function ensureHelmBinary(log: ProgressLog = stderrProgressLog, root = cacheRoot()): Promise<string> {
  return join(await ensureCachedBuild(helmBuild(), root, log), 'helm');
}
