import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where built server binaries are kept, outside the repository and shared by all checkouts:
 * $DV_TESTBED_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/dv-testbed.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env['DV_TESTBED_CACHE']) return env['DV_TESTBED_CACHE'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'dv-testbed');
}
