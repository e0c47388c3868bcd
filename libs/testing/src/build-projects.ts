import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock';
import { silentProgressLog } from './progress-log';
import { repoRoot } from './repo-root';

/**
 * The production build of the given Nx projects (`nx run-many -t build`, cached: a no-op when their
 * sources did not change), for tests that run the services from dist/ (ServiceMode `dist`). One build
 * at a time across the test files of a run (a lock in tmp/): two would rewrite the same dist/ folders.
 */
export async function buildProjects(projects: readonly string[]): Promise<void> {
  const root = repoRoot();
  await mkdir(join(root, 'tmp'), { recursive: true });
  await withFileLock(join(root, 'tmp', 'nx-build.lock'), 'nx build', silentProgressLog, () => nxBuild(root, projects));
}

function nxBuild(root: string, projects: readonly string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile(
      join(root, 'node_modules/.bin/nx'),
      ['run-many', '-t', 'build', '-p', projects.join(','), '--outputStyle=static'],
      { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`nx build of ${projects.join(', ')} failed:\n${stdout}\n${stderr}`)) : resolve()),
    );
  });
}
