import { open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ProgressLog } from './progress-log';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error: unknown) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** True when the lock's holder is gone (another host's lock counts as held). */
async function isStale(lockPath: string): Promise<boolean> {
  try {
    const [pidText, host] = (await readFile(lockPath, 'utf8')).split('\n');
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0) {
      // Written but not filled in yet, or garbage: stale once it is old.
      return Date.now() - (await stat(lockPath)).mtimeMs > 10_000;
    }
    return host === hostname() && !isAlive(pid);
  } catch (error: unknown) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Runs work while holding an exclusive lock file (created with O_EXCL, holding "pid\nhost").
 * Waits while another live process holds it; takes over a lock whose holder died.
 */
export async function withFileLock<T>(lockPath: string, what: string, log: ProgressLog, work: () => Promise<T>): Promise<T> {
  const waitingSince = Date.now();
  let lastNotice = 0;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(`${process.pid}\n${hostname()}\n`);
      await handle.close();
      break;
    } catch (error: unknown) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    if (await isStale(lockPath)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() - lastNotice > 30_000) {
      lastNotice = Date.now();
      const holder = (await readFile(lockPath, 'utf8').catch(() => '?')).split('\n')[0];
      log(`waiting for process ${holder} which is building ${what} (${Math.round((Date.now() - waitingSince) / 1000)}s, lock ${lockPath})`);
    }
    await sleep(1000);
  }
  try {
    return await work();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
