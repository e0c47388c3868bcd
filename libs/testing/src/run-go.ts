import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { logTail } from './log-tail';

export interface RunGoOptions {
  cwd: string;
  /** stderr (and stdout unless captured) is appended here. */
  logPath: string;
  env?: Record<string, string>;
  captureStdout?: boolean;
}

/** Runs the go tool; resolves with its stdout when captured, rejects with the log's tail on failure. */
export function runGo(args: readonly string[], options: RunGoOptions): Promise<string> {
  const logFd = openSync(options.logPath, 'a');
  return new Promise<string>((resolve, reject) => {
    const child = spawn('go', args, {
      cwd: options.cwd,
      env: { ...process.env, GOWORK: 'off', ...options.env },
      stdio: ['ignore', options.captureStdout ? 'pipe' : logFd, logFd],
    });
    const stdout: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.once('error', (error) => reject(new Error(`cannot run go (is Go installed and on PATH?): ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) {
        resolve(Buffer.concat(stdout).toString('utf8'));
        return;
      }
      const how = signal ? `signal ${signal}` : `exit ${code}`;
      reject(new Error(`go ${args.join(' ')} failed (${how}) in ${options.cwd}; ${options.logPath} ends with:\n${logTail(options.logPath)}`));
    });
  }).finally(() => closeSync(logFd));
}
