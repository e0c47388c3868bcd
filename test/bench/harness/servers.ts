import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBinaries, startNats } from '@dv/testing';

export interface BenchServers {
  natsUrl: string;
  /** How the server was obtained, for the report. */
  origin: 'NATS_URL' | 'started by the benchmark';
  /** The nats-server's pid when the benchmark started it (to read its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/**
 * The NATS server (with JetStream) the benchmarks talk to: NATS_URL when set (scripts/bench.sh, or a
 * server of your own), else a fresh nats-server of the test bed (@dv/testing: the cached build,
 * JetStream on a temporary folder, a free loopback port), stopped with stop().
 */
export async function startBenchServers(): Promise<BenchServers> {
  const external = process.env['NATS_URL'];
  if (external) return { natsUrl: external, origin: 'NATS_URL', pid: undefined, stop: async () => undefined };
  let dir: string | undefined;
  try {
    const binaries = await ensureBinaries({ builds: ['nats-server'], log: (line) => log(line) });
    dir = await mkdtemp(join(tmpdir(), 'dv-bench-'));
    const nats = await startNats({ binary: binaries.natsServer ?? 'nats-server', dir });
    log(`nats-server with JetStream at ${nats.url} (data in ${dir})`);
    const folder = dir;
    return {
      natsUrl: nats.url,
      origin: 'started by the benchmark',
      pid: nats.process.pid,
      stop: async () => {
        await nats.stop();
        await rm(folder, { recursive: true, force: true });
      },
    };
  } catch (error: unknown) {
    if (dir) await rm(dir, { recursive: true, force: true });
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(
      `no NATS server for the benchmarks: NATS_URL is not set and the test bed's nats-server could not be started (${why}). Set NATS_URL to a nats-server started with -js.`,
    );
  }
}
