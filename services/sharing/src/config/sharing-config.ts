import { baseConfigShape } from '@dv/runtime';
import { envDurationMs } from '@dv/telemetry';
import { z } from 'zod';

export const sharingConfigSchema = z.object({
  ...baseConfigShape,
  MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/).default('dv_sharing'),
  /** How long a read waits for this replica to reach a requested revision. */
  SHARING_REVISION_WAIT_MS: envDurationMs(2000),
  /** How long start-up may take to replay the streams before the service gives up. */
  SHARING_CATCH_UP_MS: envDurationMs(120_000),
});
export type SharingConfig = z.output<typeof sharingConfigSchema>;

export const SHARING_CONFIG = Symbol('SHARING_CONFIG');
