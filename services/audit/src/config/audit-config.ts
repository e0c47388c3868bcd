import { baseConfigShape } from '@dv/runtime';
import { envDurationMs, envInt } from '@dv/telemetry';
import { z } from 'zod';

export const auditConfigSchema = z.object({
  ...baseConfigShape,
  MONGO_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .default('dv_audit'),
  /** Events sealed per batch (one insertMany, one chain step per event). */
  AUDIT_BATCH_SIZE: envInt({ min: 1, max: 5000, default: 1000 }),
  /** Where archived records go (JSON lines, one file per archive run). */
  AUDIT_ARCHIVE_DIR: z.string().min(1).default('tmp/audit-archive'),
  /** Records sealed longer ago than this are archived and removed by a timer; 0 = never (archive on request only). */
  AUDIT_RETENTION: envDurationMs(0),
  /** How often the retention timer runs. */
  AUDIT_RETENTION_CHECK_EVERY: envDurationMs(3_600_000),
  /** How long authz may take to answer the read check of a query. */
  AUDIT_AUTHZ_TIMEOUT: envDurationMs(5000),
});
export type AuditConfig = z.output<typeof auditConfigSchema>;

export const AUDIT_CONFIG = Symbol('AUDIT_CONFIG');
