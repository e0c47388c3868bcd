import { open, rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, EXIT } from './cli-error';

export interface FileLockOptions {
  /** How long to wait for another holder. */
  timeoutMs?: number;
  /** A lock file older than this was left by a `dv` that died holding it: taken over. */
  staleMs?: number;
}

/**
 * Runs `fn` holding `<path>` (created exclusively, removed after), so two `dv` processes do not renew
 * the same token at once: a refresh token is single-use, and the provider takes a second use for a
 * replay and revokes the whole sign-in.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const staleMs = options.staleMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const held = await stat(path).catch(() => undefined);
    if (held !== undefined && Date.now() - held.mtimeMs > staleMs) {
      await rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new CliError(`${path} is held by another dv for over ${Math.round(timeoutMs / 1000)} s: remove it if no dv is running`, EXIT.failed);
    await sleep(25 + Math.floor(Math.random() * 50));
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
