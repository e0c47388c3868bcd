import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries } from './ensure-binaries';
import { type ServiceMode, nodeEntryArgs, serviceModeFromEnv } from './node-entry';
import { repoRoot } from './repo-root';
import { type RunningNats, startNats } from './start-nats';
import { serviceNodeFlags } from './service-node-flags';

export interface ServiceProcessOptions {
  /** The folder under services/ */
  service: string;
  env: Record<string, string>;
  timeoutMs?: number;
  /** Also append everything it prints to this file. */
  logPath?: string;
  /** TypeScript at start-up or the compiled build (DV_SERVICE_MODE, `ts` by default). */
  mode?: ServiceMode;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** The port of its health/readiness/metrics endpoint. */
  readonly healthPort: number;
  /** Everything it printed so far (JSON log lines). */
  output(): string;
  /** SIGTERM (graceful) and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, nothing flushed. */
  kill(): Promise<void>;
}

/**
 * DV_PROFILE_SERVICES (comma-separated service names, or `all`) and DV_PROFILE_DIR: those services
 * run with `--cpu-prof` (Node refuses it in NODE_OPTIONS), their profiles written there when they exit
 * gracefully (stop(), not kill()). For benchmarks that start the services themselves.
 */
function profilingFlags(service: string): string[] {
  const wanted = (process.env['DV_PROFILE_SERVICES'] ?? '').split(',').map((s) => s.trim());
  const dir = process.env['DV_PROFILE_DIR'];
  if (!dir || !(wanted.includes(service) || wanted.includes('all'))) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${service}-${Date.now()}.cpuprofile`];
}

/**
 * Runs a service as its own process, from its TypeScript (scripts/ts-register.js) or its compiled
 * build (dist/services/<service>/main.js: the run command's way), and resolves once it logs "service ready".
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const root = repoRoot();
  const child = spawn(
    process.execPath,
    [
      ...serviceNodeFlags(options.service),
      ...profilingFlags(options.service),
      ...nodeEntryArgs(`services/${options.service}`, 'main.ts', options.mode ?? serviceModeFromEnv()),
    ],
    {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', HEALTH_PORT: '0', LOG_LEVEL: 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  if (options.logPath) {
    const file = createWriteStream(options.logPath, { flags: 'a' });
    child.stdout?.pipe(file);
    child.stderr?.pipe(file);
  }
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const healthPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: it would keep the test process (and its pipes) alive after the failure.
      child.kill('SIGKILL');
      reject(new Error(`${options.service} not ready within ${options.timeoutMs ?? 30_000} ms:\n${out.slice(-4000)}`));
    }, options.timeoutMs ?? 30_000);
    const onData = (): void => {
      const match = /"msg":"service ready","healthPort":(\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.service} exited (${code ?? signal}) before it was ready:\n${out.slice(-4000)}`));
    });
  });
  const signal = async (s: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(s);
    await exited;
  };
  return { child, healthPort, output: () => out, stop: () => signal('SIGTERM'), kill: () => signal('SIGKILL') };
}

/**
 * A nats-server of one's own (JetStream on, fresh store): for tests that run a service whose
 * durable consumers and queue groups must not meet another test file's. With the platform's users
 * and permissions, use `SecuredNats.start()` (which calls this with the shipped config); without a
 * config file the server is open, and the caller says why (`open`).
 */
export async function startIsolatedNats(options: { configFile: string; env?: Record<string, string> } | { open: string }): Promise<RunningNats> {
  const { natsServer } = await ensureBinaries({ builds: ['nats-server'] });
  if (!natsServer) throw new Error('nats-server binary is not available');
  const dir = await mkdtemp(join(tmpdir(), 'dv-nats-'));
  const nats = await startNats({ ...('open' in options ? {} : options), binary: natsServer, dir });
  return {
    ...nats,
    stop: async () => {
      await nats.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
