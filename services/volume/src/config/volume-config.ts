import { tombstoneRetentionEnv, tombstonesMaxEnv } from '@dv/org';
import { baseConfigShape, failpointEnv } from '@dv/runtime';
import { envDurationMs, envEnum, envInt } from '@dv/telemetry';
import { z } from 'zod';

/**
 * What a delete does about workloads that may use the volume (asked on `dv.admission.usage`):
 * - `off`: never asks.
 * - `advisory`: refuses when the answer is "in use",
 *   deletes when there is no answer (no responder, timeout) and says so in the log.
 * - `required` (default, now that workload admission answers): refuses (PRECONDITION_FAILED) unless
 *   admission answers "not in use".
 */
export const USAGE_CHECK_MODES = ['off', 'advisory', 'required'] as const;

/** Fault injection for the crash tests (@dv/runtime's Failpoints): the process SIGKILLs itself at that point. Never set in production. */
export const VOLUME_FAILPOINTS = ['crash-after-record', 'crash-after-pv-copy'] as const;
export type VolumeFailpoint = (typeof VOLUME_FAILPOINTS)[number];

export const volumeConfigSchema = z.object({
  ...baseConfigShape,
  MONGO_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .default('dv_volume'),
  /** A kubeconfig file; without it the in-cluster service account is used. */
  KUBECONFIG: z.string().optional(),
  /**
   * How often the reconciler looks for volumes that are due, and the first retry delay of a volume
   * that is not Ready (Creating, NotReady, Deleting); each failed attempt in a row doubles the delay.
   */
  VOLUME_RECONCILE_INTERVAL_MS: envDurationMs(10_000),
  /** The longest delay between two attempts at a volume that does not become Ready. */
  VOLUME_RECONCILE_MAX_BACKOFF_MS: envDurationMs(300_000),
  /** How many due volumes one sweep takes (those due first). */
  VOLUME_RECONCILE_BATCH: envInt({ min: 1, max: 10_000, default: 200 }),
  /** How often Ready volumes are checked again (drift: a copy deleted behind our back, the origin gone). */
  VOLUME_RESYNC_INTERVAL_MS: envDurationMs(300_000),
  VOLUME_USAGE_CHECK: envEnum(USAGE_CHECK_MODES, 'required'),
  VOLUME_USAGE_TIMEOUT_MS: envDurationMs(1000),
  VOLUME_AUTHZ_TIMEOUT_MS: envDurationMs(5000),
  VOLUME_FAILPOINT: failpointEnv(VOLUME_FAILPOINTS),
  /** How long a list or count waits for this replica's read model to reach a requested revision (`atLeast`). */
  VOLUME_REVISION_WAIT_MS: envDurationMs(2000),
  /** How long start-up may take to replay the event stream into the read model before the service gives up. */
  VOLUME_CATCH_UP_MS: envDurationMs(120_000),
  /**
   * Tombstones of deleted volumes the read model keeps (so that a late duplicate of an older event
   * cannot bring a volume back): the most recent this many, and none older than the retention.
   */
  VOLUME_TOMBSTONES_MAX: tombstonesMaxEnv(),
  VOLUME_TOMBSTONE_RETENTION_MS: tombstoneRetentionEnv(),
});
export type VolumeConfig = z.output<typeof volumeConfigSchema>;

export const VOLUME_CONFIG = Symbol('VOLUME_CONFIG');
