import { constants } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock';
import { type ProgressLog } from './progress-log';

/** A set of binaries built once into <cache>/<key>/bin; the key names the version, so a new version builds anew. */
export interface CachedBuild {
  key: string;
  /** Human name for progress lines, e.g. "nats-server v2.15.2". */
  what: string;
  binaries: readonly string[];
  /** Writes the binaries into binDir (a staging folder, moved into place when complete). */
  build(binDir: string, logPath: string): Promise<void>;
}

async function hasAll(binDir: string, binaries: readonly string[]): Promise<boolean> {
  try {
    await Promise.all(binaries.map((name) => access(join(binDir, name), constants.X_OK)));
    return true;
  } catch {
    return false;
  }
}

function seconds(sinceMs: number): string {
  const s = Math.round((Date.now() - sinceMs) / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Returns the bin folder of a complete build, building it first (under a lock) if the cache lacks it. */
export async function ensureCachedBuild(spec: CachedBuild, root: string, log: ProgressLog): Promise<string> {
  const binDir = join(root, spec.key, 'bin');
  if (await hasAll(binDir, spec.binaries)) return binDir;
  await mkdir(root, { recursive: true });
  return withFileLock(join(root, `${spec.key}.lock`), spec.what, log, async () => {
    if (await hasAll(binDir, spec.binaries)) return binDir;
    const staging = join(root, `${spec.key}.partial-${process.pid}`);
    const logPath = join(root, `${spec.key}.build.log`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(join(staging, 'bin'), { recursive: true });
    await rm(logPath, { force: true });
    const started = Date.now();
    log(`building ${spec.what} into ${join(root, spec.key)} (once; log ${logPath})`);
    const heartbeat = setInterval(() => log(`still building ${spec.what} (${seconds(started)})`), 30_000);
    try {
      await spec.build(join(staging, 'bin'), logPath);
      if (!(await hasAll(join(staging, 'bin'), spec.binaries))) {
        throw new Error(`building ${spec.what} did not produce ${spec.binaries.join(', ')} (log ${logPath})`);
      }
      await rm(join(root, spec.key), { recursive: true, force: true });
      await rename(staging, join(root, spec.key));
      await rm(logPath, { force: true });
    } catch (error: unknown) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    } finally {
      clearInterval(heartbeat);
    }
    log(`built ${spec.what} in ${seconds(started)}`);
    return binDir;
  });
}
