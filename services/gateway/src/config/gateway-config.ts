import { AUDIT_MAX_EXPORT_RECORDS } from '@dv/contracts';
import { baseConfigShape } from '@dv/runtime';
import { envBool, envDurationMs, envInt, envPort, envUrl } from '@dv/telemetry';
import { z } from 'zod';

/** A claim name, or a dotted path into nested claims (`ext.groups`). */
const claimPath = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v))
    .pipe(z.string().regex(/^[A-Za-z_][A-Za-z0-9_:-]*(\.[A-Za-z_][A-Za-z0-9_:-]*)*$/, 'expected a claim name or a dotted path of claim names (ext.groups)'));

// The gateway owns no collections: everything of the base config but MongoDB.
const { MONGO_URL: _mongo, ...natsAndProbes } = baseConfigShape;

export const gatewayConfigSchema = z.object({
  ...natsAndProbes,
  /** The REST API's port (0 picks a free one, logged at start as httpPort) and address. */
  GATEWAY_PORT: envPort(8080),
  GATEWAY_HOST: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? '127.0.0.1' : v)),
  /** The `iss` every accepted token carries, exactly (Hydra's has a trailing slash). */
  GATEWAY_OIDC_ISSUER: envUrl(['https', 'http']),
  /** The audience every accepted token must name in `aud`. */
  GATEWAY_OIDC_AUDIENCE: z.string().min(1, 'expected the audience tokens are issued for (e.g. dv-gateway)').max(256),
  /** The provider's key set; found through the issuer's OpenID discovery document when unset. */
  GATEWAY_OIDC_JWKS_URL: envUrl(['https', 'http']).optional(),
  /**
   * The shortest time between two fetches of the key set. A token naming a key id we do not know makes
   * us fetch it again (so keys the provider rotates in are picked up), but not more often than this,
   * so made-up key ids cannot turn us into a flood on the provider.
   */
  GATEWAY_JWKS_COOLDOWN_MS: envDurationMs(5_000),
  /** How long a fetch of the provider's key set may take (a fresh Hydra makes its keys on the first fetch: seconds on a loaded machine). */
  GATEWAY_JWKS_TIMEOUT_MS: envDurationMs(30_000),
  /** Where the subject and the groups are in the token's claims. */
  GATEWAY_SUBJECT_CLAIM: claimPath('sub'),
  GATEWAY_GROUPS_CLAIM: claimPath('groups'),
  /** Verified tokens kept (by token, until they expire), so a token's signature is checked once. */
  GATEWAY_TOKEN_CACHE_MAX: envInt({ min: 0, max: 1_000_000, default: 10_000 }),
  /** Largest request body accepted (413 above it). */
  GATEWAY_BODY_LIMIT_BYTES: envInt({ min: 1024, max: 10_485_760, default: 65_536 }),
  /** How long a call to a service may take before the answer is 503. */
  GATEWAY_NATS_TIMEOUT_MS: envDurationMs(10_000),
  /** `GET /api/v1/datavolumes/settings`: whether the console shows data volumes (one tenant per deployment, decision 0022). */
  GATEWAY_ENABLE_DATA_VOLUMES: envBool(true),
  /** Records per dv.audit.export chunk behind `GET /api/v1/audit/log/file` (the service also caps a chunk at 512 KiB). */
  GATEWAY_AUDIT_EXPORT_CHUNK_RECORDS: envInt({ min: 1, max: AUDIT_MAX_EXPORT_RECORDS, default: 1000 }),
  /** The provider's token endpoint, where /api/v1/token and /api/v2/token forward; found through OpenID discovery when unset. */
  GATEWAY_OIDC_TOKEN_URL: envUrl(['https', 'http']).optional(),
  /**
   * The provider's admin API (Ory Hydra's), where service accounts become OAuth2 clients: `unix:<socket>`
   * (the test bed and `npm start`: a 0600 socket) or an https URL. Unset: the service-account calls answer 503.
   */
  GATEWAY_PROVIDER_ADMIN_URL: envUrl(['unix', 'https', 'http']).optional(),
  /** Sent as `Authorization: Bearer <token>` to the admin API when set (a provider whose admin API takes an API key). */
  GATEWAY_PROVIDER_ADMIN_TOKEN: z.string().min(1).max(4096).optional(),
  /** How long a call to the provider (token endpoint, admin API) may take before the answer is 503. */
  GATEWAY_PROVIDER_TIMEOUT_MS: envDurationMs(10_000),
  /** How long start-up may take to read the service accounts' events (the disabled ones) before the gateway gives up. */
  GATEWAY_SERVICE_ACCOUNTS_CATCH_UP_MS: envDurationMs(120_000),
});
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
