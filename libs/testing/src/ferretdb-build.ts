import { chmod, cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CachedBuild } from './cached-build';
import { runGo } from './run-go';
import { FERRETDB_VERSION } from './server-versions';

interface DownloadedModule {
  Dir?: string;
  Error?: string;
}

/** The module cache is read-only; the copy must be writable to add a file and to be removed again. */
async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(path);
    else await chmod(path, 0o644);
  }
}

/**
 * FerretDB with its SQLite backend. `go install …/cmd/ferretdb@version` builds a binary that panics at
 * start ("Invalid build/version/version.txt file content"): the release's version.txt is generated and
 * not part of the module. So the module is downloaded through the proxy, copied, given its version.txt
 * and built there.
 */
export function ferretdbBuild(version = FERRETDB_VERSION): CachedBuild {
  return {
    key: `ferretdb-${version}`,
    what: `FerretDB ${version}`,
    binaries: ['ferretdb'],
    build: async (binDir, logPath) => {
      const json = await runGo(['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${version}`], { cwd: tmpdir(), logPath, captureStdout: true });
      const downloaded = JSON.parse(json) as DownloadedModule;
      if (!downloaded.Dir) throw new Error(`go mod download of FerretDB ${version} failed: ${downloaded.Error ?? json}`);
      const work = await mkdtemp(join(tmpdir(), 'dv-ferretdb-src-'));
      try {
        await cp(downloaded.Dir, work, { recursive: true });
        await makeWritable(work);
        await writeFile(join(work, 'build', 'version', 'version.txt'), `${version}\n`);
        await runGo(['build', '-trimpath', '-ldflags=-s -w', '-o', join(binDir, 'ferretdb'), './cmd/ferretdb'], { cwd: work, logPath });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}
