import { envDurationMs, envEnum, envPort, envUrl, envUrlList } from '@dv/telemetry';
import { z } from 'zod';

/** What every service reads from its environment. */
export const baseConfigShape = {
  /** One server, or every server of a cluster, comma-separated (the client fails over between them). */
  NATS_URL: envUrlList(['nats', 'tls']),
  /**
   * The service's NATS user and password (deploy/nats/nats-server.conf: one user per client, deny by
   * default; on in deployments, the local run and the tests). Unset only for a server of one's own
   * without users. With a user, replies arrive under the inbox prefix `_INBOX_<user>`, the only one
   * the server lets that user read.
   */
  NATS_USER: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected a NATS client name (lower case, digits, -)')
    .optional(),
  NATS_PASSWORD: z.string().optional(),
  MONGO_URL: envUrl(['mongodb', 'mongodb+srv']),
  /** Health, readiness and metrics; 0 picks a free port (logged at start). */
  HEALTH_PORT: envPort(0),
  HEALTH_HOST: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? '127.0.0.1' : v)),
  LOG_LEVEL: envEnum(['error', 'warn', 'info', 'debug'] as const, 'info'),
  /**
   * How long a graceful stop (SIGTERM) may take before the process gives up on it: it logs the step it
   * was waiting for and exits 1. Below the pod's terminationGracePeriodSeconds (30 s by default), so
   * the log says why rather than a SIGKILL saying nothing (decision 0035).
   */
  SERVICE_STOP_TIMEOUT_MS: envDurationMs(25_000),
};
export const baseConfigSchema = z.object(baseConfigShape);
export type BaseConfig = z.output<typeof baseConfigSchema>;
