import { chmod, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CachedBuild } from './cached-build';
import { runGo } from './run-go';
import { HYDRA_VERSION } from './server-versions';

interface DownloadedModule {
  Dir?: string;
  Error?: string;
}

/** The module cache is read-only; the copy must be writable to edit go.mod and to be removed again. */
async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(path);
    else await chmod(path, 0o644);
  }
}

/**
 * Ory Hydra v2 from the Go module proxy. Two things keep `go install …@version` from working:
 * - its go.mod replaces github.com/ory/hydra-client-go/v2 by ./internal/httpclient, a nested module the
 *   proxy's zip leaves out; so the module is copied, the replace dropped, and the published client
 *   (the version go.mod requires) is used instead. Only the CLI's client commands use it, not `serve`.
 * - DSN=memory needs the `sqlite` build tag (without it Hydra speaks only PostgreSQL, MySQL and
 *   CockroachDB), and SQLite is github.com/mattn/go-sqlite3, a cgo package: the build needs gcc.
 */
export function hydraBuild(version = HYDRA_VERSION): CachedBuild {
  return {
    key: `hydra-${version}`,
    what: `Ory Hydra ${version}`,
    binaries: ['hydra'],
    build: async (binDir, logPath) => {
      const json = await runGo(['mod', 'download', '-json', `github.com/ory/hydra/v2@${version}`], { cwd: tmpdir(), logPath, captureStdout: true });
      const downloaded = JSON.parse(json) as DownloadedModule;
      if (!downloaded.Dir) throw new Error(`go mod download of Ory Hydra ${version} failed: ${downloaded.Error ?? json}`);
      const work = await mkdtemp(join(tmpdir(), 'dv-hydra-src-'));
      try {
        await cp(downloaded.Dir, work, { recursive: true });
        await makeWritable(work);
        await runGo(['mod', 'edit', '-dropreplace', 'github.com/ory/hydra-client-go/v2'], { cwd: work, logPath });
        const ldflags = `-s -w -X github.com/ory/hydra/v2/driver/config.Version=${version}`;
        await runGo(['build', '-mod=mod', '-trimpath', '-tags', 'sqlite,sqlite_omit_load_extension', `-ldflags=${ldflags}`, '-o', join(binDir, 'hydra'), '.'], {
          cwd: work,
          logPath,
          env: { CGO_ENABLED: '1' },
        });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}
