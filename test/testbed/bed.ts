// The test bed from the command line, for the local dev run and for CI caches:
//   node -r ./scripts/ts-register.js test/testbed/bed.ts build   builds (or finds cached) all server binaries, Ory Hydra, Helm and Jaeger too
//   node -r ./scripts/ts-register.js test/testbed/bed.ts up   starts the bed, writes tmp/bed.env (mode 0600, with the
//                                                              NATS users' passwords of this run), runs until SIGINT/SIGTERM
//   node -r ./scripts/ts-register.js test/testbed/bed.ts env     prints tmp/bed.env of a running bed as shell exports
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSecuredTestBed } from '@dv/testing';
import { ensureBinaries, ensureChromium, ensureHelmBinary, ensureHydraBinary, ensureJaegerBinary, repoRoot, stderrProgressLog } from './testing-lib';

const USAGE = 'usage: node -r ./scripts/ts-register.js test/testbed/bed.ts <build|up|env>';

function bedEnvPath(): string {
  return join(repoRoot(), 'tmp', 'bed.env');
}

async function build(): Promise<void> {
  // Hydra and Jaeger are not part of the bed jest starts (only the tests that need them start them), but CI builds them here too.
  // Helm and Jaeger (the longest Go builds) and Debian's Chromium (apt-get when missing, as root, as CI runs) start at once
  // beside the servers: their downloads overlap the other builds.
  const started = { helm: ensureHelmBinary(), jaeger: ensureJaegerBinary(), chromium: ensureChromium() };
  for (const pending of Object.values(started)) pending.catch(() => undefined); // a failure is reported by its await below
  const paths = {
    ...(await ensureBinaries()),
    hydra: await ensureHydraBinary(),
    jaeger: await started.jaeger,
    helm: await started.helm,
    chromium: await started.chromium,
  };
  for (const [name, path] of Object.entries(paths)) process.stdout.write(`${name}=${path}\n`);
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      // A second signal while tearing down ends at once; the exit hook SIGKILLs what is left.
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}

async function up(): Promise<void> {
  const signal = untilSignal();
  const bed = await startSecuredTestBed();
  const envPath = bedEnvPath();
  // nats-server runs with the platform's users: each client's password (fresh for this run) is in the file, NATS_USER=<client> picks one.
  const passwords = bed.securedNats?.allPasswords() ?? {};
  const lines = Object.entries({ ...bed.env, ...passwords }).map(([key, value]) => `${key}=${value}`);
  await mkdir(join(repoRoot(), 'tmp'), { recursive: true });
  await rm(envPath, { force: true }); // an earlier run's file would keep its mode through writeFile
  await writeFile(envPath, [`# test bed of pid ${process.pid}; data and logs in ${bed.dir}; removed when it stops`, ...lines, ''].join('\n'), { mode: 0o600 });
  process.stdout.write(
    `${Object.entries(bed.env)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')}\n`,
  );
  stderrProgressLog(`wrote ${envPath}; press Ctrl-C to stop`);
  const received = await signal;
  stderrProgressLog(`${received}: stopping the test bed`);
  await bed.stop();
  await rm(envPath, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function env(): Promise<void> {
  const text = await readFile(bedEnvPath(), 'utf8').catch(() => undefined);
  if (text === undefined) throw new Error(`no ${bedEnvPath()}: start the bed with "bed.ts up" first`);
  const pid = Number(/pid (\d+)/.exec(text)?.[1]);
  if (!isAlive(pid)) stderrProgressLog(`warning: the bed that wrote ${bedEnvPath()} (pid ${pid}) is not running`);
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) process.stdout.write(`export ${match[1]}='${(match[2] ?? '').replace(/'/g, `'\\''`)}'\n`);
  }
}

async function main(command: string | undefined): Promise<void> {
  if (command === 'build') return build();
  if (command === 'up') return up();
  if (command === 'env') return env();
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
