import { type TestBed } from './testing-lib';

interface Held {
  bed: TestBed;
  /** process.env values the bed's variables replaced (undefined: were not set). */
  previousEnv: Record<string, string | undefined>;
}

// Jest runs global setup and teardown in the same process; the running bed is kept on globalThis between them.
const holder = globalThis as typeof globalThis & { dvTestBed?: Held | undefined };

/** Keeps the bed for teardown and points process.env (inherited by the test workers) at it. */
export function holdTestBed(bed: TestBed): void {
  const previousEnv = Object.fromEntries(Object.keys(bed.env).map((key) => [key, process.env[key]]));
  holder.dvTestBed = { bed, previousEnv };
  Object.assign(process.env, bed.env);
}

/** Stops the held bed and restores process.env, so a later run in the same process (jest --watch) starts a new bed. */
export async function releaseTestBed(): Promise<void> {
  const held = holder.dvTestBed;
  holder.dvTestBed = undefined;
  if (!held) return;
  for (const [key, value] of Object.entries(held.previousEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await held.bed.stop();
}
