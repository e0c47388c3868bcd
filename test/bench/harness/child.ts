import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@dv/testing';
import { z } from 'zod';
import { type ProcessUsage, ownUsage } from './proc';
import { startProfile, stopProfile } from './profiler';

/** What a benchmark's child process tells its parent (hrtime values as decimal strings of nanoseconds). */
export const childMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), atNs: z.string() }),
  z.object({ type: z.literal('progress'), handled: z.number().int(), atNs: z.string() }),
  z.object({ type: z.literal('failed'), message: z.string() }),
  z.object({ type: z.literal('usage'), cpuUs: z.number(), systemCpuUs: z.number(), readCalls: z.number(), writeCalls: z.number() }),
  z.object({ type: z.literal('profiling'), file: z.string().optional() }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;

/** What a parent tells its child: drain and exit, or report what it has used so far. */
const parentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('usage') }),
  z.object({ type: z.literal('profile-start') }),
  z.object({ type: z.literal('profile-stop'), file: z.string() }),
]);
type ParentMessage = z.infer<typeof parentMessageSchema>;

export interface BenchChild {
  /** process.hrtime.bigint() in the child when it said `ready` (the clock is shared by processes of one machine). */
  readyAtNs: bigint;
  /** The next message (or one already received and not yet taken) that matches. */
  waitFor<T extends ChildMessage['type']>(
    type: T,
    match?: (m: Extract<ChildMessage, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ChildMessage, { type: T }>>;
  /** CPU time and system calls the child process has used since it started. */
  usage(): Promise<ProcessUsage>;
  /** Starts the V8 CPU profiler in the child. */
  startProfile(): Promise<void>;
  /** Stops it and has the child write the profile to file. */
  stopProfile(file: string): Promise<void>;
  /** Asks the child to drain and exit (so a --cpu-prof profile gets written); kills it if it does not. */
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript file of test/bench/harness in its own Node process (through scripts/ts-register.js)
 * with its JSON config as argument, and waits for its `ready`. BENCH_CHILD_NODE_OPTIONS adds Node flags
 * to the child, e.g. `--cpu-prof --cpu-prof-dir=tmp/bench-prof`.
 */
export async function startBenchChild(file: string, config: object, readyTimeoutMs = 30_000): Promise<BenchChild> {
  const root = repoRoot();
  const extra = (process.env['BENCH_CHILD_NODE_OPTIONS'] ?? '').split(/\s+/).filter((a) => a !== '');
  const child: ChildProcess = fork(join(__dirname, file), [JSON.stringify(config)], {
    cwd: root,
    execArgv: [...extra, '-r', join(root, 'scripts', 'ts-register.js')],
    // The child's stdout goes to our stderr: stdout carries only the benchmark's JSON.
    stdio: ['ignore', 2, 'inherit', 'ipc'],
  });
  const inbox: ChildMessage[] = [];
  const waiters = new Set<() => void>();
  let exited: string | undefined;
  const wake = (): void => {
    for (const w of [...waiters]) w();
  };
  child.on('message', (raw: unknown) => {
    const parsed = childMessageSchema.safeParse(raw);
    if (parsed.success) inbox.push(parsed.data);
    wake();
  });
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `exit ${code}`;
      wake();
      resolve();
    });
  });

  const waitFor = <T extends ChildMessage['type']>(
    type: T,
    match: (m: Extract<ChildMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 120_000,
  ): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const failed = inbox.find((m) => m.type === 'failed');
        if (failed && failed.type === 'failed') return finish(() => reject(new Error(`${file} failed: ${failed.message}`)));
        const index = inbox.findIndex((m) => m.type === type && match(m as Extract<ChildMessage, { type: T }>));
        const found = inbox[index];
        if (found) {
          inbox.splice(index, 1);
          return finish(() => resolve(found as Extract<ChildMessage, { type: T }>));
        }
        if (exited) return finish(() => reject(new Error(`${file} ended (${exited}) before sending ${type}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${file} sent no ${type} within ${timeoutMs} ms`))), timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  const tell = (m: ParentMessage): void => {
    child.send(m);
  };
  const usage = async (): Promise<ProcessUsage> => {
    tell({ type: 'usage' });
    const { cpuUs, systemCpuUs, readCalls, writeCalls } = await waitFor('usage', undefined, 10_000);
    return { cpuUs, systemCpuUs, readCalls, writeCalls };
  };
  const startProfile = async (): Promise<void> => {
    tell({ type: 'profile-start' });
    await waitFor('profiling', (m) => m.file === undefined, 10_000);
  };
  const stopProfile = async (file: string): Promise<void> => {
    tell({ type: 'profile-stop', file });
    await waitFor('profiling', (m) => m.file === file, 30_000);
  };
  const stop = async (): Promise<void> => {
    if (exited) return;
    tell({ type: 'stop' });
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(killer);
  };

  try {
    const ready = await waitFor('ready', undefined, readyTimeoutMs);
    return { readyAtNs: BigInt(ready.atNs), waitFor, usage, startProfile, stopProfile, stop };
  } catch (error: unknown) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** A child's side: parse the config, run, tell `ready`; on `stop` (or the parent gone) run the cleanup and exit. */
export function childMain<C>(configSchema: z.ZodType<C>, run: (config: C, send: (m: ChildMessage) => void) => Promise<() => Promise<void>>): void {
  const send = (m: ChildMessage): void => {
    if (!process.send) throw new Error('a benchmark child must be started with an IPC channel (startBenchChild)');
    process.send(m);
  };
  const config = configSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
  run(config, send).then(
    (cleanup) => {
      let stopping = false;
      const shutdown = (): void => {
        if (stopping) return;
        stopping = true;
        cleanup().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('message', (raw: unknown) => {
        const m = parentMessageSchema.safeParse(raw);
        if (!m.success) return;
        const command = m.data;
        if (command.type === 'stop') shutdown();
        else if (command.type === 'usage') send({ type: 'usage', ...ownUsage() });
        else if (command.type === 'profile-start') void startProfile().then(() => send({ type: 'profiling' }));
        else void stopProfile(command.file).then(() => send({ type: 'profiling', file: command.file }));
      });
      process.on('disconnect', shutdown);
      send({ type: 'ready', atNs: process.hrtime.bigint().toString() });
    },
    (error: unknown) => {
      if (process.send) process.send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
  );
}
