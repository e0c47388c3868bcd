import { baseConfigShape } from '@dv/runtime';
import { envDurationMs } from '@dv/telemetry';
import { type SubjectType, SUBJECT_TYPES } from '@dv/contracts';
import { z } from 'zod';

export interface BootstrapSubject {
  subjectType: SubjectType;
  subjectId: string;
}

/** `user:alice,group:platform-admins`: subjects made System administrator at start (idempotent). */
const bootstrapAdmins = z
  .string()
  .optional()
  .transform((raw, ctx): BootstrapSubject[] => {
    const out: BootstrapSubject[] = [];
    for (const item of (raw ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const i = item.indexOf(':');
      const type = item.slice(0, i);
      const id = item.slice(i + 1);
      if (i <= 0 || !id || !(SUBJECT_TYPES as readonly string[]).includes(type)) {
        ctx.addIssue({ code: 'custom', message: `expected <subjectType>:<subjectId> items (user, group, app, service-account), got "${item}"` });
        return z.NEVER;
      }
      out.push({ subjectType: type as SubjectType, subjectId: id });
    }
    return out;
  });

export const authzConfigSchema = z.object({
  ...baseConfigShape,
  MONGO_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/)
    .default('dv_authz'),
  AUTHZ_BOOTSTRAP_ADMINS: bootstrapAdmins,
  /** How long a read or check waits for this replica to reach a requested revision. */
  AUTHZ_REVISION_WAIT_MS: envDurationMs(2000),
  /** How long start-up may take to load the snapshot and catch up with the streams before the service gives up. */
  AUTHZ_CATCH_UP_MS: envDurationMs(120_000),
});
export type AuthzConfig = z.output<typeof authzConfigSchema>;

export const AUTHZ_CONFIG = Symbol('AUTHZ_CONFIG');
