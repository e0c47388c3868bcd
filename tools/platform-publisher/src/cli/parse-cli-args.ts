import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../errors/error-message';
import { isNatsUrl } from './nats-url';
import { UsageError } from './usage-error';

export const DEFAULT_STATE_PATH = 'tmp/platform-publisher.state.json';

export interface CliOptions {
  file: string;
  /** Undefined only in a dry run, which connects to nothing. */
  natsUrl: string | undefined;
  /** Kubernetes is used when `kube` is true: this file, or in-cluster when undefined. */
  kubeconfigPath: string | undefined;
  kube: boolean;
  statePath: string;
  mode: 'apply' | 'delete';
  prune: boolean;
  dryRun: boolean;
}

export type CliCommand = { help: true } | ({ help: false } & CliOptions);

/**
 * Arguments and environment (NATS_URL, KUBECONFIG, the in-cluster variables) to options, checked
 * up front so a mistake is one clear line before anything is touched.
 */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): CliCommand {
  const values = readArgs(argv);
  if (values.help) return { help: true };

  const file = nonEmpty(values.file, '--file');
  if (file === undefined) throw new UsageError('--file <org.yaml> is required');
  if (values.delete && values.prune) throw new UsageError('--delete and --prune do not go together: --delete removes everything in the file');
  const dryRun = values['dry-run'];

  const natsUrl = nonEmpty(values['nats-url'], '--nats-url') ?? (env['NATS_URL'] || undefined);
  if (natsUrl === undefined && !dryRun) throw new UsageError('no NATS server: give --nats-url or set NATS_URL');
  if (natsUrl !== undefined && !isNatsUrl(natsUrl))
    throw new UsageError(`--nats-url (or NATS_URL) "${natsUrl}" is not a NATS server URL such as nats://127.0.0.1:4222`);

  const kube = !values['no-kube'];
  const kubeconfigPath = nonEmpty(values.kubeconfig, '--kubeconfig') ?? (env['KUBECONFIG'] || undefined);
  const inCluster = Boolean(env['KUBERNETES_SERVICE_HOST'] && env['KUBERNETES_SERVICE_PORT']);
  if (kube && !dryRun && kubeconfigPath === undefined && !inCluster) {
    throw new UsageError('no Kubernetes cluster for the project namespaces: give --kubeconfig, set KUBECONFIG, or pass --no-kube');
  }

  return {
    help: false,
    file: resolve(cwd, file),
    natsUrl,
    kubeconfigPath: kubeconfigPath === undefined ? undefined : resolve(cwd, kubeconfigPath),
    kube,
    statePath: resolve(cwd, nonEmpty(values.state, '--state') ?? DEFAULT_STATE_PATH),
    mode: values.delete ? 'delete' : 'apply',
    prune: values.prune,
    dryRun,
  };
}

function readArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        file: { type: 'string' },
        'nats-url': { type: 'string' },
        kubeconfig: { type: 'string' },
        state: { type: 'string' },
        delete: { type: 'boolean', default: false },
        prune: { type: 'boolean', default: false },
        'no-kube': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error: unknown) {
    // node's messages for unknown options and missing values are clear; keep their first line.
    throw new UsageError(errorMessage(error));
  }
}

function nonEmpty(value: string | undefined, flag: string): string | undefined {
  if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} needs a value`);
  return value;
}
