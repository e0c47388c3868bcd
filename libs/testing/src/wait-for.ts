import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Named in the timeout error: "timed out after 30000ms waiting for <what>". */
  what?: string;
  /** Checked before each probe; an error returned here ends the wait at once (e.g. the server process exited). */
  bailOut?: () => Error | undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Calls probe until it returns a value other than undefined, null or false, and returns that value.
 * A probe that throws counts as "not yet"; its last error is part of the timeout error.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: WaitForOptions): Promise<T> {
  const { timeoutMs, intervalMs = 100, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const bail = options.bailOut?.();
    if (bail) throw bail;
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error: unknown) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError === undefined ? '' : `: ${describe(lastError)}`;
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}
