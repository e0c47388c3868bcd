import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureCachedBuild } from './cached-build';
import { cacheRoot } from './cache-root';
import { freePort } from './free-port';
import { adminRequest } from './dev-login/admin-request';
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
  /**
   * Clients, keys, login and consent requests: `unix:<dir>/admin/admin.sock`, a socket of mode 0600 in a
   * folder of mode 0700. Hydra's admin API has no authentication of its own, so it is never on TCP: only
   * the user that started Hydra may call it (see `adminRequest`).
   */
  adminUrl: string;
  /** The admin API's socket (the path of `adminUrl`). */
  adminSocket: string;
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
    const publicUrl = `http://127.0.0.1:${publicPort}`;
    // The admin API on a unix socket its owner alone may open (mode 0600, in a folder of mode 0700):
    // on TCP, even loopback, any local process could mint clients and tokens.
    const socketDir = join(options.dir, 'admin');
    await mkdir(socketDir, { recursive: true, mode: 0o700 });
    await chmod(socketDir, 0o700);
    const adminSocket = join(socketDir, 'admin.sock');
    await rm(adminSocket, { force: true }); // a socket left by a killed run would keep Hydra from binding
    const adminUrl = `unix:${adminSocket}`;
    const issuer = `${publicUrl}/`;
    const nowhere = `${publicUrl}/no-login-app`;
    const config = {
      dsn: 'memory',
      log: { level: 'info', format: 'json' },
      serve: {
        public: { host: '127.0.0.1', port: publicPort },
        // socket.mode is decimal in Hydra's config: 384 = 0o600.
        admin: { host: adminUrl, socket: { mode: 0o600 } },
      },
      urls: {
        self: { issuer, public: publicUrl },
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
        async () =>
          (await adminRequest(adminUrl, 'GET', '/health/ready').catch(() => ({ status: 0 }))).status === 200 &&
          (await httpRequest(`${publicUrl}/health/ready`)).status === 200,
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
    return { issuer, publicUrl, adminUrl, adminSocket, process: server, stop: () => server.stop() };
  });
}
