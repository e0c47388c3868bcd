import { envEnum, envInt, envUrl } from '@dv/telemetry';
import { z } from 'zod';

/**
 * The provisioning step's environment: it connects as the NATS user `provisioner`, the one
 * identity that may create and update the streams (deploy/nats/nats-server.conf).
 */
export const provisioningConfigSchema = z.object({
  NATS_URL: envUrl(['nats', 'tls']),
  NATS_USER: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, 'expected a NATS client name (lower case, digits, -)')
    .optional(),
  NATS_PASSWORD: z.string().optional(),
  /** Copies JetStream keeps of each stream: 3 on a clustered NATS (the Helm chart), 1 on a single server. */
  NATS_STREAM_REPLICAS: envInt({ min: 1, max: 5, default: 1 }),
  LOG_LEVEL: envEnum(['error', 'warn', 'info', 'debug'] as const, 'info'),
});
export type ProvisioningConfig = z.output<typeof provisioningConfigSchema>;
