export type HealthCheck = () => Promise<boolean> | boolean;
export type CheckOutcome = 'ok' | 'failed' | 'timeout' | 'error';

/**
 * Runs every check concurrently, each bounded by `timeoutMs`: a check that throws or hangs counts
 * as not ready instead of hanging the probe (kubelet would time out and learn nothing).
 */
export async function runChecks(checks: Readonly<Record<string, HealthCheck>>, timeoutMs: number): Promise<Record<string, CheckOutcome>> {
  const entries = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const));
  return Object.fromEntries(entries);
}

async function runCheck(check: HealthCheck, timeoutMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = (async (): Promise<CheckOutcome> => {
    try {
      return (await check()) === true ? 'ok' : 'failed';
    } catch {
      return 'error';
    }
  })();
  try {
    return await Promise.race([outcome, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
