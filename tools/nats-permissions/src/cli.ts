import { NATS_PERMISSION_MANIFEST, type NatsClientManifest, isSafeNatsPassword } from '@dv/contracts';
import { readFile, writeFile } from 'node:fs/promises';
import { passwordsFor, renderEnvFile } from './passwords';
import { REGENERATE_COMMAND, renderServerConfig, usersOf } from './render-server-config';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const USAGE = `nats-permissions: the nats-server config (JetStream, one user per NATS client, deny by default)
generated from the permission manifest of libs/contracts.

  ${REGENERATE_COMMAND}

Options:
  --out <file>      write the config there (default: standard output)
  --check           write nothing; exit 1 when --out <file> differs from what the manifest generates
  --env-out <file>  also write DV_NATS_<CLIENT>_PASSWORD=<password> for every user (mode 0600):
                    the value of the environment when set, a new random one otherwise
  --help            this text`;

interface CliOptions {
  out?: string;
  envOut?: string;
  check: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): CliOptions | 'help' {
  const options: CliOptions = { check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a file`);
      return next;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--out') options.out = value();
    else if (arg === '--env-out') options.envOut = value();
    else if (arg === '--check') options.check = true;
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (options.check && options.out === undefined) throw new UsageError('--check needs --out <file>');
  if (options.check && options.envOut !== undefined) throw new UsageError('--check writes nothing: drop --env-out');
  return options;
}

/** Exit codes: 0 done, 1 the config on disk is stale (--check), 2 bad arguments or passwords. */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
  manifest: readonly NatsClientManifest[] = NATS_PERMISSION_MANIFEST,
): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = parseArgs(argv);
  } catch (error: unknown) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`nats-permissions: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    io.out(USAGE);
    return 0;
  }
  const config = renderServerConfig(manifest);
  if (options.check) {
    const path = options.out ?? '';
    const current = await readFile(path, 'utf8').catch(() => undefined);
    if (current === config) {
      io.out(`${path} is up to date`);
      return 0;
    }
    io.err(`nats-permissions: ${path} is not what the manifest generates; regenerate it:\n  ${REGENERATE_COMMAND}`);
    return 1;
  }
  if (options.envOut !== undefined) {
    const passwords = passwordsFor(usersOf(manifest), env);
    const unsafe = Object.entries(passwords).filter(([, value]) => !isSafeNatsPassword(value));
    if (unsafe.length > 0) {
      io.err(
        `nats-permissions: ${unsafe.map(([v]) => v).join(', ')}: use at least 12 letters and digits, starting with a letter (nats-server parses the value)`,
      );
      return 2;
    }
    await writeFile(options.envOut, renderEnvFile(passwords), { mode: 0o600 });
    io.err(`passwords of ${Object.keys(passwords).length} users in ${options.envOut}`);
  }
  if (options.out === undefined) io.out(config.trimEnd());
  else {
    await writeFile(options.out, config);
    io.err(`wrote ${options.out}`);
  }
  return 0;
}
