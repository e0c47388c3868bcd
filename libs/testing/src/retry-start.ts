import { ServerExitedError } from './server-process';

/**
 * Starts a server again (on fresh ports) when its process ended during start-up, which covers the rare
 * case of another process taking a free port between freePort() and the server binding it. Other
 * failures (timeouts, bad flags caught early) are not retried.
 */
export async function retryStart<T>(attempts: number, start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error: unknown) {
      if (!(error instanceof ServerExitedError) || attempt >= attempts) throw error;
    }
  }
}
