import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { findOnPath } from './find-on-path';
import { type ProgressLog, stderrProgressLog } from './progress-log';

/** Debian's Chromium: the browser the console's tests drive (never a browser a test tool downloads). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')} failed: ${stderr.slice(-2000)}`)) : resolve(),
    );
  });
}

let installing: Promise<string> | undefined;

/**
 * The path of Debian's Chromium, installed first when missing (`apt-get install -y chromium`: as root,
 * as CI runs; idempotent, a no-op when it is there). Anyone else is told the one command to run.
 */
export function ensureChromium(log: ProgressLog = stderrProgressLog): Promise<string> {
  installing ??= (async () => {
    if (executable(CHROMIUM_PATH)) return CHROMIUM_PATH;
    if (process.getuid?.() !== 0 || findOnPath('apt-get') === undefined) {
      throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install Debian's package as root: apt-get install -y chromium`);
    }
    log(`Chromium is missing: apt-get install -y chromium (Debian's package, about 100 MB, once)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    // The package lists may be missing on a fresh machine; an update is cheap next to the install.
    await run('apt-get', ['update', '-qq'], env);
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], env);
    if (!executable(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is not there`);
    log(`Chromium installed at ${CHROMIUM_PATH}`);
    return CHROMIUM_PATH;
  })().catch((error: unknown) => {
    installing = undefined;
    throw error;
  });
  return installing;
}

/**
 * The flags of a headless Chromium on this kind of machine: no sandbox (root in CI), no GPU, and none of
 * Chromium's own traffic (update checks, sync, QUIC): the machine's network refuses it, and a test
 * must talk only to the system under test.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
] as const;
