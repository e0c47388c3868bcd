import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError, EXIT } from './cli-error';

/** What `dv login` keeps: the gateway, how to get a token again, and the token. */
export interface CliConfig {
  /** The gateway's base URL, e.g. `http://127.0.0.1:8080`. */
  url?: string;
  /** The project `datavolume list` uses without `-p` or `-A`. */
  project?: string;
  /** A service account's client credentials (`dv login --client-id`): a new token is fetched when the last one expires. */
  credentials?: { clientId: string; clientSecret: string };
  /** The identity provider a person signs in with (`dv login --browser`): the CLI's public client there, and the audience asked for. */
  oidc?: OidcSettings;
  /** `refreshToken`: a person's (browser sign-in), used to get a new access token before the last one expires. */
  token?: { accessToken: string; expiresAt?: number; refreshToken?: string };
}

export interface OidcSettings {
  issuer: string;
  /** The command line's public client at the provider (no secret: PKCE protects the code). */
  clientId: string;
  audience: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** `DV_CONFIG`, else `$XDG_CONFIG_HOME/dv/config.json`, else `~/.config/dv/config.json`. */
export function configPath(env: Env): string {
  if (env['DV_CONFIG']) return env['DV_CONFIG'];
  const base = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(base, 'dv', 'config.json');
}

export async function readConfig(path: string): Promise<CliConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as CliConfig;
  } catch {
    throw new CliError(`${path} is not a dv configuration (not a JSON object): fix it or remove it and sign in again`, EXIT.usage);
  }
}

/**
 * Writes the configuration readable by its owner only (it may hold a client secret and tokens), by
 * a rename so a reader never sees half a file.
 */
export async function writeConfig(path: string, config: CliConfig): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
