import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type CachedBuild } from './cached-build';
import { repoRoot } from './repo-root';
import { runGo } from './run-go';

/** The Go module that builds etcd, kube-apiserver and kubectl. */
export function kubeGoModuleDir(): string {
  return join(repoRoot(), 'test', 'testbed', 'go');
}

function kubernetesVersion(goMod: string): string {
  const match = /^\s*k8s\.io\/kubernetes\s+(v\S+)/m.exec(goMod);
  if (!match?.[1]) throw new Error('test/testbed/go/go.mod does not require k8s.io/kubernetes');
  return match[1];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Hash of everything the build reads from the repository: go.mod, go.sum and the main packages. */
function sourceHash(moduleDir: string): string {
  const hash = createHash('sha256');
  const files = ['go.mod', 'go.sum', ...filesUnder(join(moduleDir, 'cmd')).map((f) => relative(moduleDir, f))].sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(moduleDir, file)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** etcd, kube-apiserver and kubectl, keyed by the Kubernetes version and a hash of the Go module. */
export function kubeBuild(moduleDir = kubeGoModuleDir()): CachedBuild {
  const version = kubernetesVersion(readFileSync(join(moduleDir, 'go.mod'), 'utf8'));
  const [major, minor] = version.replace(/^v/, '').split('.');
  const versionFlags = [
    `-X k8s.io/component-base/version.gitVersion=${version}`,
    `-X k8s.io/component-base/version.gitMajor=${major}`,
    `-X k8s.io/component-base/version.gitMinor=${minor}`,
    '-X k8s.io/component-base/version.gitTreeState=clean',
  ];
  return {
    key: `kube-${version}-${sourceHash(moduleDir)}`,
    what: `etcd + kube-apiserver + kubectl ${version}`,
    binaries: ['etcd', 'kube-apiserver', 'kubectl'],
    build: async (binDir, logPath) => {
      await runGo(['build', '-trimpath', `-ldflags=-s -w ${versionFlags.join(' ')}`, '-o', `${binDir}/`, './cmd/...'], { cwd: moduleDir, logPath });
    },
  };
}
