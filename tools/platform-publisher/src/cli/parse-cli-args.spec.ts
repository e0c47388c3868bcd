import { type CliCommand, parseCliArgs } from './parse-cli-args';
import { UsageError } from './usage-error';

const cwd = '/repo';
const env = { NATS_URL: 'nats://127.0.0.1:4222', KUBECONFIG: '/kube/config' };

function parse(argv: string[], environment: NodeJS.ProcessEnv = env): CliCommand {
  return parseCliArgs(argv, environment, cwd);
}

describe('parseCliArgs', () => {
  it('takes NATS_URL and KUBECONFIG as defaults and resolves paths against the working folder', () => {
    expect(parse(['--file', 'org.yaml'])).toEqual({
      help: false,
      file: '/repo/org.yaml',
      natsUrl: 'nats://127.0.0.1:4222',
      kubeconfigPath: '/kube/config',
      kube: true,
      statePath: '/repo/tmp/platform-publisher.state.json',
      mode: 'apply',
      prune: false,
      dryRun: false,
    });
  });

  it('lets flags win over the environment', () => {
    expect(
      parse(['--file', 'o.yaml', '--nats-url', 'nats://a:1,nats://b:2', '--kubeconfig', 'k', '--state', '/s.json', '--delete', '--no-kube']),
    ).toMatchObject({
      natsUrl: 'nats://a:1,nats://b:2',
      kubeconfigPath: '/repo/k',
      kube: false,
      statePath: '/s.json',
      mode: 'delete',
    });
    expect(parse(['--file', 'o.yaml', '--prune'])).toMatchObject({ mode: 'apply', prune: true });
  });

  it('needs neither NATS nor Kubernetes for a dry run, nor Kubernetes with --no-kube', () => {
    expect(parse(['--file', 'o.yaml', '--dry-run'], {})).toMatchObject({ natsUrl: undefined, kubeconfigPath: undefined, dryRun: true });
    expect(parse(['--file', 'o.yaml', '--no-kube'], { NATS_URL: 'localhost:4222' })).toMatchObject({ kube: false, kubeconfigPath: undefined });
    expect(parse(['--file', 'o.yaml'], { NATS_URL: 'nats://n:4222', KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' })).toMatchObject({
      kube: true,
      kubeconfigPath: undefined,
    });
  });

  it('answers --help alone', () => {
    expect(parse(['--help'], {})).toEqual({ help: true });
  });

  it.each([
    [[], env, '--file <org.yaml> is required'],
    [['--file'], env, "Option '--file <value>' argument missing"],
    [['--file', ''], env, '--file needs a value'],
    [['--file', 'o.yaml', '--bogus'], env, "Unknown option '--bogus'"],
    [['--file', 'o.yaml', 'extra'], env, "Unexpected argument 'extra'"],
    [['--file', 'o.yaml', '--delete', '--prune'], env, '--delete and --prune do not go together'],
    [['--file', 'o.yaml'], { KUBECONFIG: '/k' }, 'no NATS server: give --nats-url or set NATS_URL'],
    [['--file', 'o.yaml', '--nats-url', 'http://x:4222'], env, 'is not a NATS server URL'],
    [['--file', 'o.yaml'], { NATS_URL: 'nats://n:4222' }, 'give --kubeconfig, set KUBECONFIG, or pass --no-kube'],
  ])('refuses %j with a one-line usage error', (argv, environment, message) => {
    let thrown: unknown;
    try {
      parse(argv, environment);
    } catch (error: unknown) {
      thrown = error;
    }
    if (!(thrown instanceof UsageError)) throw new Error(`expected a UsageError, got ${String(thrown)}`);
    expect(thrown.message).toContain(message);
    expect(thrown.message).not.toContain('\n');
  });
});
