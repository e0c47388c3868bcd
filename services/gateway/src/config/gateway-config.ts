import { AUDIT_MAX_EXPORT_RECORDS } from '@dv/contracts';
import { baseConfigShape } from '@dv/runtime';
import { envBool, envDurationMs, envInt, envPort, envUrl } from '@dv/telemetry';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { corsOriginsSchema } from './cors-origins';
import { trustedProxiesSchema } from './trusted-proxies';

/** A claim name, or a dotted path into nested claims (`ext.groups`). */
const claimPath = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v))
    .pipe(z.string().regex(/^[A-Za-z_][A-Za-z0-9_:-]*(\.[A-Za-z_][A-Za-z0-9_:-]*)*$/, 'expected a claim name or a dotted path of claim names (ext.groups)'));

// The gateway owns no collections: everything of the base config but MongoDB.
const { MONGO_URL: _mongo, ...natsAndProbes } = baseConfigShape;

export const gatewayConfigSchema = z
  .object({
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
    /** `GET /api/v1/datavolumes/settings`: whether the console shows data volumes (one tenant per deployment, decision 0022). */
    GATEWAY_ENABLE_DATA_VOLUMES: envBool(true),
    /** Records per dv.audit.export chunk behind `GET /api/v1/audit/log/file` (the service also caps a chunk at 512 KiB). */
    GATEWAY_AUDIT_EXPORT_CHUNK_RECORDS: envInt({ min: 1, max: AUDIT_MAX_EXPORT_RECORDS, default: 1000 }),
    /** How long a call to a service may take before the answer is 503. */
    GATEWAY_NATS_TIMEOUT_MS: envDurationMs(10_000),
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
    /**
     * The longest a request may take, from its first byte to its answer: receiving it (a slower
     * upload is cut off with 408 by Node's HTTP server) and answering it (503 with the platform's message).
     * At least GATEWAY_NATS_TIMEOUT_MS, so one service call that times out answers its own 503.
     */
    GATEWAY_REQUEST_TIMEOUT_MS: envDurationMs(30_000),
    /**
     * On SIGTERM, how long the gateway keeps serving (readiness already false, every answer closing its
     * connection) before it closes its listener: the time a load balancer takes to stop sending it
     * requests (Kubernetes: the endpoint's removal reaching every node). 0 closes at once (decision 0031).
     */
    GATEWAY_DRAIN_DELAY_MS: envDurationMs(0),
    /** Requests per second each client may make on average (its token bucket's refill), in this replica; 0 turns the limit off. */
    GATEWAY_RATE_LIMIT_PER_S: envInt({ min: 0, max: 1_000_000, default: 100 }),
    /** How many requests a client may make at once after being idle (its bucket's size). */
    GATEWAY_RATE_LIMIT_BURST: envInt({ min: 1, max: 1_000_000, default: 200 }),
    /** Clients whose buckets are kept (the least recently seen are forgotten first: a forgotten client starts with a full bucket). */
    GATEWAY_RATE_LIMIT_CLIENTS: envInt({ min: 1, max: 10_000_000, default: 100_000 }),
    /**
     * The proxies in front of the gateway whose `X-Forwarded-For` is believed (IPs or CIDRs, comma
     * separated): the client IP of the rate limit and the access log. None by default: the peer's address.
     */
    GATEWAY_TRUSTED_PROXIES: trustedProxiesSchema,
    /** The browser origins allowed to call the API (the console's): exact origins, comma separated, or `*`. None by default. */
    GATEWAY_CORS_ORIGINS: corsOriginsSchema,
    /** Whether browsers may send credentials (cookies) cross-origin: never with the wildcard origin. */
    GATEWAY_CORS_CREDENTIALS: envBool(false),
    /** Strict-Transport-Security max-age when clients reach the gateway over HTTPS (a TLS-terminating ingress); 0 sends none. */
    GATEWAY_HSTS_MAX_AGE_S: envInt({ min: 0, max: 63_072_000, default: 0 }),
    /** One JSON line per request on stdout (method, route, status, duration, caller, request and trace ids). */
    GATEWAY_ACCESS_LOG: envBool(true),
    /**
     * The web console's build folder (`dist/apps/console`), served at /console/ from memory; unset: no console.
     * It must hold index.html (checked at start: a wrong folder stops the gateway with this message).
     */
    GATEWAY_CONSOLE_DIR: z
      .string()
      .min(1)
      .max(4096)
      .refine((dir) => existsSync(join(dir, 'index.html')), 'expected the console build folder, holding index.html (npx nx build console)')
      .optional(),
    /** The console's OAuth2 client at the provider: a public client (no secret, PKCE), whose redirect URI is <origin>/console/callback. */
    GATEWAY_CONSOLE_CLIENT_ID: z
      .string()
      .regex(/^[A-Za-z0-9._:@-]{1,255}$/, 'expected an OAuth2 client id')
      .optional(),
    /** The scopes the console asks for: offline_access for a refresh token (refreshed before the access token expires). */
    GATEWAY_CONSOLE_SCOPES: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v === '' ? 'openid offline_access dv.api' : v))
      .pipe(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'expected scopes separated by one space (RFC 6749 3.3)')),
  })
  .superRefine((config, ctx) => {
    if (config.GATEWAY_CORS_CREDENTIALS && config.GATEWAY_CORS_ORIGINS === '*') {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEWAY_CORS_CREDENTIALS'],
        message: 'must not be true when GATEWAY_CORS_ORIGINS is * (credentials only for exact origins)',
      });
    }
    if (config.GATEWAY_CONSOLE_DIR !== undefined && config.GATEWAY_CONSOLE_CLIENT_ID === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['GATEWAY_CONSOLE_CLIENT_ID'],
        message: 'is required with GATEWAY_CONSOLE_DIR (the console signs people in as this client)',
      });
    }
    if (config.GATEWAY_REQUEST_TIMEOUT_MS < config.GATEWAY_NATS_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['GATEWAY_REQUEST_TIMEOUT_MS'], message: 'must be at least GATEWAY_NATS_TIMEOUT_MS' });
    }
  });
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
