import { Logger } from '@nestjs/common';
import { envEnum } from '@dv/telemetry';

/**
 * Fault injection for the crash tests, one mechanism for every service: `<SERVICE>_FAILPOINT` names a
 * point of the code where the process dies at once, as with SIGKILL (nothing flushed, nothing closed).
 * Unset (`none`) in production: `hit` is then a comparison.
 */
export class Failpoints<P extends string> {
  private readonly logger = new Logger('Failpoints');

  constructor(private readonly armed: P | 'none') {}

  hit(point: P): void {
    if (this.armed !== point) return;
    this.logger.warn(`failpoint ${point}: killing the process`);
    process.kill(process.pid, 'SIGKILL');
  }
}

/** The environment variable of a service's failpoints: one of `points`, or `none` (the default). */
export function failpointEnv<const P extends readonly [string, ...string[]]>(points: P) {
  return envEnum(['none', ...points] as const, 'none');
}
