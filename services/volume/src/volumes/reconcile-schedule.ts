/** The reconciler's timing: first retry delay, its cap, and how long a Ready volume waits for its drift check. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  resyncMs: number;
}

/** When a volume is next due and how many attempts in a row have not made it hold (stored on the volume). */
export interface Schedule {
  nextAttemptAt: string;
  attempts: number;
}

/** The delay before the next attempt after `failures` attempts in a row did not make the volume hold: base, 2×base, 4×base, … up to max. */
export function retryDelayMs(failures: number, policy: RetryPolicy): number {
  if (failures <= 0) return 0;
  // 2^30 × base is beyond any cap; keeps the arithmetic finite.
  const factor = 2 ** Math.min(failures - 1, 30);
  return Math.min(policy.baseMs * factor, policy.maxMs);
}

/** The schedule after an attempt: Ready waits for the drift check; anything else backs off by the failures in a row. */
export function scheduleAfter(ready: boolean, previousFailures: number, now: number, policy: RetryPolicy): Schedule {
  if (ready) return { nextAttemptAt: new Date(now + policy.resyncMs).toISOString(), attempts: 0 };
  const attempts = previousFailures + 1;
  return { nextAttemptAt: new Date(now + retryDelayMs(attempts, policy)).toISOString(), attempts };
}

/**
 * The lease a sweep takes on a due volume before reconciling it: not due again before the delay its
 * failures so far call for (at least the base), so that another replica's sweep passes it by and a
 * reconcile that throws before recording anything is retried later, not at once and not first.
 */
export function leaseUntil(failures: number, now: number, policy: RetryPolicy): string {
  return new Date(now + Math.max(policy.baseMs, retryDelayMs(failures, policy))).toISOString();
}

/** The retry policy of a volume config. */
export function retryPolicyOf(config: {
  VOLUME_RECONCILE_INTERVAL_MS: number;
  VOLUME_RECONCILE_MAX_BACKOFF_MS: number;
  VOLUME_RESYNC_INTERVAL_MS: number;
}): RetryPolicy {
  return {
    baseMs: config.VOLUME_RECONCILE_INTERVAL_MS,
    maxMs: Math.max(config.VOLUME_RECONCILE_INTERVAL_MS, config.VOLUME_RECONCILE_MAX_BACKOFF_MS),
    resyncMs: config.VOLUME_RESYNC_INTERVAL_MS,
  };
}
