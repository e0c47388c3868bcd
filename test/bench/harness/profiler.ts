import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';

let session: Session | undefined;

/**
 * BENCH_PROFILE_DIR: where the benchmarks write V8 CPU profiles of their measured phases only (not
 * start-up, warm-up or shutdown, unlike node --cpu-prof). Summarize them with harness/profile-summary.ts.
 */
export function profileDir(): string | undefined {
  const dir = process.env['BENCH_PROFILE_DIR'];
  return dir === undefined || dir === '' ? undefined : dir;
}

/** Starts sampling this process (every 200 µs). */
export async function startProfile(): Promise<void> {
  if (session) return;
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}

/** Stops sampling and writes the profile (.cpuprofile, the format Chrome DevTools opens). */
export async function stopProfile(file: string): Promise<void> {
  if (!session) return;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(profile));
}
