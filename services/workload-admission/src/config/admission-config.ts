import { tombstoneRetentionEnv, tombstonesMaxEnv } from '@dv/org';
import { baseConfigShape, failpointEnv } from '@dv/runtime';
import { envDurationMs, envInt, envPort } from '@dv/telemetry';
import { z } from 'zod';

/** Fault injection for the crash tests (@dv/runtime's Failpoints): the process SIGKILLs itself at that point. Never set in production. */
export const ADMISSION_FAILPOINTS = ['crash-after-pv-copy'] as const;
export type AdmissionFailpoint = (typeof ADMISSION_FAILPOINTS)[number];

export const admissionConfigSchema = z
  .object({
    ...baseConfigShape,
    MONGO_DB: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/)
      .default('dv_workload_admission'),
    /** A kubeconfig file; without it the in-cluster service account is used. */
    KUBECONFIG: z.string().optional(),
    /** The HTTPS port of the Kubernetes mutating webhook; unset: no webhook (reviews over NATS only). */
    ADMISSION_WEBHOOK_PORT: envPort().optional(),
    ADMISSION_WEBHOOK_HOST: z.string().min(1).default('0.0.0.0'),
    /** PEM files of the webhook's serving certificate (the API server checks it against the configuration's caBundle). */
    ADMISSION_WEBHOOK_CERT_FILE: z.string().min(1).optional(),
    ADMISSION_WEBHOOK_KEY_FILE: z.string().min(1).optional(),
    /**
     * PEM file of the CA whose client certificates the webhook accepts: the Kubernetes API server's
     * credential towards webhooks (its AdmissionConfiguration kubeConfigFile). Required with the
     * webhook: an AdmissionReview from anyone else is refused (401) before it is read.
     */
    ADMISSION_WEBHOOK_CLIENT_CA_FILE: z.string().min(1).optional(),
    /** Comma-separated common names the client certificate must carry (empty: any certificate of that CA). */
    ADMISSION_WEBHOOK_CLIENT_NAMES: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x.length > 0),
      ),
    /**
     * Development and tests: the webhook registers itself under this MutatingWebhookConfiguration
     * name at start-up (and removes it at shutdown), pointing the API server at
     * ADMISSION_WEBHOOK_PUBLIC_URL with ADMISSION_WEBHOOK_CA_FILE as the CA bundle. In a cluster,
     * the Helm chart (deploy/helm/data-volumes) ships the configuration instead.
     */
    ADMISSION_WEBHOOK_REGISTER_AS: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
      .max(253)
      .optional(),
    ADMISSION_WEBHOOK_PUBLIC_URL: z.url({ protocol: /^https$/ }).optional(),
    ADMISSION_WEBHOOK_CA_FILE: z.string().min(1).optional(),
    /** `key` (the label exists) or `key=value`: which namespaces the registered webhook sees. */
    ADMISSION_WEBHOOK_NAMESPACE_LABEL: z
      .string()
      .regex(/^[A-Za-z0-9./_-]+(=[A-Za-z0-9._-]*)?$/)
      .default('dv.platform/project-id'),
    /** The API server sends at most ~3 MiB; anything bigger is refused before parsing. */
    ADMISSION_WEBHOOK_MAX_BODY_BYTES: envInt({ min: 1024, max: 16 * 1024 * 1024, default: 3 * 1024 * 1024 }),
    /** How long a review waits for authz and sharing before it answers UNAVAILABLE. */
    ADMISSION_CALL_TIMEOUT_MS: envDurationMs(3000),
    /** authz answers kept until an access-rule or org event is applied (PermissionCache); 0 turns the cache off. */
    ADMISSION_PERMISSION_CACHE_SIZE: envInt({ min: 0, max: 1_000_000, default: 10_000 }),
    /**
     * How old a webhook admission's usage record must be before a usage answer checks that its object
     * exists (younger ones count as in use: the API server may still be storing the object).
     */
    ADMISSION_USAGE_VERIFY_AFTER_MS: envDurationMs(30_000),
    /**
     * How long a released usage record (or a release's tombstone) is kept: it tells an admission
     * handled after its release (late, redelivered, or replayed after an outage) that it is older.
     */
    ADMISSION_RELEASE_RETENTION_MS: envDurationMs(7 * 24 * 3600_000),
    /**
     * A binding record left Creating or Releasing this long is taken over by the reconciler of any
     * replica (its maker died or is stuck); longer than a binding's Kubernetes calls ever take.
     */
    ADMISSION_BINDING_LEASE_MS: envDurationMs(30_000),
    /** Fault injection for the crash tests: the process SIGKILLs itself at that point. Never set in production. */
    ADMISSION_FAILPOINT: failpointEnv(ADMISSION_FAILPOINTS),
    /** How long start-up may take to replay the streams before the service gives up. */
    ADMISSION_CATCH_UP_MS: envDurationMs(120_000),
    /**
     * Tombstones of deleted volumes kept in memory (so a late duplicate of an older event cannot revive
     * one in the volume directory or the sharing index): the most recent this many, none older than
     * the retention. What falls out moves the horizon before which unknown volumes are refused.
     */
    ADMISSION_TOMBSTONES_MAX: tombstonesMaxEnv(),
    ADMISSION_TOMBSTONE_RETENTION_MS: tombstoneRetentionEnv(),
  })
  .superRefine((c, ctx) => {
    if (c.ADMISSION_WEBHOOK_PORT === undefined) return;
    for (const key of ['ADMISSION_WEBHOOK_CERT_FILE', 'ADMISSION_WEBHOOK_KEY_FILE'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when ADMISSION_WEBHOOK_PORT is set (the webhook serves HTTPS only)' });
    }
    if (!c.ADMISSION_WEBHOOK_CLIENT_CA_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMISSION_WEBHOOK_CLIENT_CA_FILE'],
        message: 'is required when ADMISSION_WEBHOOK_PORT is set (the webhook accepts only the API server, by its client certificate)',
      });
    }
    if (c.ADMISSION_WEBHOOK_REGISTER_AS && !c.ADMISSION_WEBHOOK_CA_FILE) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMISSION_WEBHOOK_CA_FILE'],
        message: 'is required when ADMISSION_WEBHOOK_REGISTER_AS is set (the API server checks the webhook against it)',
      });
    }
  });
export type AdmissionConfig = z.output<typeof admissionConfigSchema>;

export const ADMISSION_CONFIG = Symbol('ADMISSION_CONFIG');
