import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { findOnPath } from './find-on-path';
import { freePort } from './free-port';
import { type RunningServer } from './running-server';
import { spawnServer } from './server-process';
import { startMongoWireServer } from './start-mongo-wire-server';
import { waitFor } from './wait-for';

/** PostgreSQL's server binaries: on PATH, or Debian's /usr/lib/postgresql/<version>/bin. */
export function findPostgres(): { initdb: string; postgres: string } | undefined {
  const initdb = findOnPath('initdb');
  const postgres = findOnPath('postgres');
  if (initdb && postgres) return { initdb, postgres };
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  for (const version of readdirSync(base).sort().reverse()) {
    const bin = join(base, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres'))) return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
  }
  return undefined;
}

/** PostgreSQL refuses to run as root: as root, run it as Debian's `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export interface StartFerretPostgresOptions {
  /** The ferretdb binary of the bed. */
  ferretdbBinary: string;
  /** Data and logs go under <dir>/postgres and <dir>/ferretdb-pg. */
  dir: string;
}

/**
 * FerretDB on its PostgreSQL backend: a throwaway PostgreSQL cluster (initdb, trust auth on loopback,
 * fsync off) on a free port, and FerretDB in front of it. For measuring what that store does
 * (issue 12: whether it makes guarded writes atomic); the bed's default stays SQLite.
 */
export async function startFerretPostgres(options: StartFerretPostgresOptions): Promise<RunningServer> {
  const binaries = findPostgres();
  if (!binaries) throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql)');
  const user = serverUser();
  const data = join(options.dir, 'postgres');
  await mkdir(data, { recursive: true });
  if (user) {
    // The bed's folder is private to root (mkdtemp): the postgres user must be able to reach its own.
    await chmod(options.dir, 0o755);
    await chown(data, user.uid, user.gid);
  }
  execFileSync(binaries.initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    stdio: 'ignore',
    ...(user ?? {}),
  });
  const port = await freePort();
  const pg = await spawnServer({
    name: 'postgres',
    command: binaries.postgres,
    args: ['-D', data, '-p', String(port), '-k', data, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
    logPath: join(options.dir, 'postgres.log'),
    ...(user ?? {}),
  });
  try {
    await waitFor(() => portOpen(port), { timeoutMs: 30_000, what: `PostgreSQL on port ${port}`, intervalMs: 100, bailOut: () => pg.exitedError() });
    const ferret = await startMongoWireServer({
      name: 'ferretdb-pg',
      label: 'FerretDB (PostgreSQL)',
      binary: options.ferretdbBinary,
      dir: options.dir,
      timeoutMs: 30_000,
      args: (dataDir, listenPort) => [
        '--handler=postgresql',
        `--postgresql-url=postgres://postgres@127.0.0.1:${port}/postgres`,
        `--listen-addr=127.0.0.1:${listenPort}`,
        `--state-dir=${dataDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
      ],
    });
    return {
      url: ferret.url,
      stop: async () => {
        await ferret.stop();
        await pg.stop();
      },
    };
  } catch (error) {
    await pg.stop();
    throw error;
  }
}
