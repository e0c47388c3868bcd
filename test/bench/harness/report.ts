import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@dv/testing';
import { type NatsConnection } from '@nats-io/nats-core';

/** Progress goes to stderr so that stdout carries only the JSON result. */
export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** The machine a result was measured on; the load average (1, 5, 15 min) at the end says how busy it was besides. */
export function machine(): { cpus: number; cpu_model: string; memory_gb: number; platform: string; load_average: number[] } {
  const list = cpus();
  return {
    cpus: list.length,
    cpu_model: list[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform}-${process.arch}`,
    load_average: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function packageVersion(name: string): string {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(repoRoot(), 'node_modules', name, 'package.json'), 'utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') return parsed.version;
  } catch {
    // reported as unknown below
  }
  return 'unknown';
}

/** Versions of the NATS server (as it announced itself) and of the nats.js client packages. */
export function natsVersions(nc: NatsConnection): { server: string; client: string } {
  return {
    server: nc.info?.version ?? 'unknown',
    client: `@nats-io/nats-core ${packageVersion('@nats-io/nats-core')}, @nats-io/jetstream ${packageVersion('@nats-io/jetstream')}`,
  };
}

/** Prints a benchmark's result as the only thing on stdout. */
export function printResult(result: object): void {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** Runs a benchmark's main function: its JSON on stdout, exit code 1 (and the reason on stderr) if it crashed. */
export function benchMain(main: () => Promise<object>): void {
  // Exiting (rather than dying of the signal) runs the test bed's exit hook, which kills the nats-server
  // this process started; child processes see their IPC channel close and exit too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  main().then(
    (result) => {
      printResult(result);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
