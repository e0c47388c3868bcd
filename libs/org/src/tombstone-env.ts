import { envDurationMs, envInt } from '@dv/telemetry';

/**
 * The one tombstone policy's settings, the same in every service that keeps a view of volumes
 * (`<SERVICE>_TOMBSTONES_MAX`, `<SERVICE>_TOMBSTONE_RETENTION_MS`): how many deleted volumes a view
 * remembers (0 to 10,000,000; 100,000 by default)…
 */
export function tombstonesMaxEnv() {
  return envInt({ min: 0, max: 10_000_000, default: 100_000 });
}

/** …and for how long after the newest deletion (a duration; one hour by default, well past JetStream's 10-minute duplicate window). */
export function tombstoneRetentionEnv() {
  return envDurationMs(3_600_000);
}
