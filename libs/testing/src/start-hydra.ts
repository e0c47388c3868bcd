import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureCachedBuild } from './cached-build';
import { cacheRoot } from './cache-root';
import { freePort } from './free-port';
import { httpRequest } from './http-request';
import { hydraBuild } from './hydra-build';
import { type ProgressLog, stderrProgressLog } from './progress-log';
import { retryStart } from './retry-start';
import { type ServerProcess, spawnServer } from './server-process';
import { waitFor } from './wait-for';

export interface StartHydraOptions {
  /** A folder of its own: the config goes to <dir>/hydra.yaml, output to <dir>/hydra.log. */
  dir: string;
  /** Where Hydra sends the browser to sign in and to consent (the login-and-consent app); defaults point at nothing. */
  loginUrl?: string;
  consentUrl?: string;
  logoutUrl?: string;
  /** Claims of session.access_token that go to the top level of the JWT access token (beside `ext`). */
  topLevelClaims?: readonly string[];
  /** Lifetime of access tokens, e.g. "1h" (Hydra's default). */
  accessTokenTtl?: string;
  /** The binary; built (once, cached in cacheRoot()) when not given. */
  binary?: string;
  log?: ProgressLog;
  timeoutMs?: number;
}

export interface RunningHydra {
  /** The issuer of its tokens (the `iss` claim): the public URL with a trailing slash. */
  issuer: string;
  /** OAuth2 and OIDC endpoints: /oauth2/auth, /oauth2/token, /.well-known/jwks.json… */
  publicUrl: string;
  /** Clients, keys, login and consent requests (no authentication: loopback only). */
  adminUrl: string;
  process: ServerProcess;
  stop(): Promise<void>;
}

/** The path of the Hydra binary, building it first when the cache lacks it (several minutes: see docs/architecture.md). */
export async function ensureHydraBinary(log: ProgressLog = stderrProgressLog, root = cacheRoot()): Promise<string> {
  return join(await ensureCachedBuild(hydraBuild(), root, log), 'hydra');
}

/**
 * Ory Hydra v2 on two free loopback ports, its state in memory (gone when it stops), JWT access tokens,
 * and a system secret made for this run. `--dev` because the issuer is plain http on loopback; it is
 * never how Hydra runs outside a developer's machine or a test.
 */
export async function startHydra(options: StartHydraOptions): Promise<RunningHydra> {
  const binary = options.binary ?? (await ensureHydraBinary(options.log));
  await mkdir(options.dir, { recursive: true });
  return retryStart(2, async () => {
    const publicPort = await freePort();
    const adminPort = await freePort();
    const publicUrl = `http://127.0.0.1:${publicPort}`;
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    const issuer = `${publicUrl}/`;
    const nowhere = `${publicUrl}/no-login-app`;
    const config = {
      dsn: 'memory',
      log: { level: 'info', format: 'json' },
      serve: { public: { host: '127.0.0.1', port: publicPort }, admin: { host: '127.0.0.1', port: adminPort } },
      urls: {
        self: { issuer, public: publicUrl, admin: adminUrl },
        login: options.loginUrl ?? nowhere,
        consent: options.consentUrl ?? nowhere,
        logout: options.logoutUrl ?? nowhere,
      },
      secrets: { system: [randomBytes(32).toString('base64url')] },
      strategies: { access_token: 'jwt' },
      oauth2: { allowed_top_level_claims: [...(options.topLevelClaims ?? [])] },
      ttl: { access_token: options.accessTokenTtl ?? '1h' },
    };
    const configPath = join(options.dir, 'hydra.yaml');
    await writeFile(configPath, stringify(config), { mode: 0o600 });
    const server = await spawnServer({
      name: 'hydra',
      command: binary,
      args: ['serve', 'all', '--config', configPath, '--dev', '--sqa-opt-out'],
      logPath: join(options.dir, 'hydra.log'),
    });
    try {
      await waitFor(
        async () => (await httpRequest(`${adminUrl}/health/ready`)).status === 200 && (await httpRequest(`${publicUrl}/health/ready`)).status === 200,
        {
          timeoutMs: options.timeoutMs ?? 60_000,
          what: `Hydra to report ready at ${adminUrl}/health/ready (log ${server.logPath})`,
          bailOut: () => server.exitedError(),
        },
      );
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return { issuer, publicUrl, adminUrl, process: server, stop: () => server.stop() };
  });
}
