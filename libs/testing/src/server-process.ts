import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { logTail } from './log-tail';

/** A server process this test bed started; its stdout and stderr go to logPath. */
export interface ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Set once the process has ended, e.g. "exit 1" or "signal SIGKILL". */
  exitReason(): string | undefined;
  /** An error naming the log (with its last lines) when the process has ended; for waitFor's bailOut. */
  exitedError(): Error | undefined;
  /** SIGTERM, then SIGKILL after graceMs; resolves once the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnServerOptions {
  name: string;
  command: string;
  args: readonly string[];
  logPath: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user and group (a server that refuses to run as root: PostgreSQL). */
  uid?: number;
  gid?: number;
}

/** The server process ended by itself (e.g. it could not bind its port); see the log named in the message. */
export class ServerExitedError extends Error {
  override readonly name = 'ServerExitedError';
}

// Every live child, killed synchronously if this process exits without stopping them.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** Starts a server binary (not through a shell), with its output in a log file. */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  installExitHook();
  const logFd = openSync(options.logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', logFd, logFd],
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    await Promise.race([once(child, 'spawn'), once(child, 'error').then(([error]: unknown[]) => Promise.reject(error))]);
  } catch (error: unknown) {
    throw new Error(`cannot start ${options.name} (${options.command}): ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${options.name}: no pid`);
  live.add(child);
  let reason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      reason = signal ? `signal ${signal}` : `exit ${code}`;
      live.delete(child);
      resolve();
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    name: options.name,
    pid,
    logPath: options.logPath,
    exitReason: () => reason,
    exitedError: () =>
      reason === undefined ? undefined : new ServerExitedError(`${options.name} ended (${reason}); ${options.logPath} ends with:\n${logTail(options.logPath)}`),
    stop: (graceMs = 5000) => {
      stopping ??= (async () => {
        if (reason !== undefined) return;
        child.kill('SIGTERM');
        const grace = new AbortController();
        const timer = sleep(graceMs, 'timeout' as const, { signal: grace.signal }).catch(() => 'cancelled' as const);
        const outcome = await Promise.race([exited.then(() => 'exited' as const), timer]);
        grace.abort();
        if (outcome === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
}
