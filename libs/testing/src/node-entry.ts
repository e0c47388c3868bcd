import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root';

/**
 * How a workspace program runs as a process: `ts` compiles its TypeScript at start-up (swc, through
 * scripts/ts-register.js: what a developer edits runs at once), `dist` runs the production build of
 * `nx build <project>` (scripts/build.js: plain JavaScript in dist/, what the image and `npm start` run).
 */
export type ServiceMode = 'ts' | 'dist';

/** DV_SERVICE_MODE (`ts` when unset): the mode of every process a test or the local run starts without saying. */
export function serviceModeFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceMode {
  const mode = env['DV_SERVICE_MODE'];
  if (mode === undefined || mode === '' || mode === 'ts') return 'ts';
  if (mode === 'dist') return 'dist';
  throw new Error(`DV_SERVICE_MODE must be "ts" or "dist", not "${mode}"`);
}

/**
 * Node's arguments that run `entry` (a file under `<projectRoot>/src`, e.g. `main.ts`) in the given mode.
 * In `dist` mode the build must exist (`npx nx build <project>`, or `buildProjects`): a missing one is
 * named, never replaced by the TypeScript silently.
 */
export function nodeEntryArgs(projectRoot: string, entry: string, mode: ServiceMode): string[] {
  const root = repoRoot();
  if (mode === 'ts') return ['-r', join(root, 'scripts/ts-register.js'), join(root, projectRoot, 'src', entry)];
  const built = join(root, 'dist', projectRoot, entry.replace(/\.ts$/, '.js'));
  if (!existsSync(built)) throw new Error(`${built} does not exist: build it first (npx nx build ${projectRoot.split('/').pop() ?? projectRoot})`);
  return ['--enable-source-maps', built];
}
