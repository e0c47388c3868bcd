import { baseConfigShape } from '@dv/runtime';
import { tombstoneRetentionEnv, tombstonesMaxEnv } from '@dv/org';
import { envDurationMs } from '@dv/telemetry';
import { z } from 'zod';

export const sharingConfigSchema = z.object({
  ...baseConfigShape,
  MONGO_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .default('dv_sharing'),
  /** How long a read waits for this replica to reach a requested revision. */
  SHARING_REVISION_WAIT_MS: envDurationMs(2000),
  /** How long start-up may take to replay the streams before the service gives up. */
  SHARING_CATCH_UP_MS: envDurationMs(120_000),
  /** Tombstones of deleted volumes kept in memory (so a late duplicate of an older event cannot revive one): the most recent this many, none older than the retention. */
  SHARING_TOMBSTONES_MAX: tombstonesMaxEnv(),
  SHARING_TOMBSTONE_RETENTION_MS: tombstoneRetentionEnv(),
  /**
   * Service accounts answered resolve and usable-volumes without an authz check (comma-separated):
   * the platform services that ask for their own callers and authorize those themselves.
   */
  SHARING_TRUSTED_SERVICES: z
    .string()
    .default('workload-admission,volume')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/))),
});
export type SharingConfig = z.output<typeof sharingConfigSchema>;

export const SHARING_CONFIG = Symbol('SHARING_CONFIG');
