import { SecuredNats } from '@dv/testing';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { EXAMPLE_ORG_PATH, orgYaml, requireEnv, uniqueExampleOrg, uniquePrefix } from './fixtures/example-org';

const repoRoot = join(__dirname, '../../..');
const main = join(repoRoot, 'tools/platform-publisher/src/main.ts');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as people do, in its own node process, with only the environment given. */
function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', './scripts/ts-register.js', main, ...args],
      { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      },
    );
  });
}

// Each run is a fresh node process transpiling the workspace: seconds, not milliseconds.
const CLI_TIMEOUT_MS = 60_000;

const summarySchema = z.object({
  published: z.number(),
  duplicates: z.number(),
  events: z.array(z.object({ type: z.string(), subject: z.string(), duplicate: z.boolean() })),
  namespaces: z.array(z.object({ namespace: z.string(), result: z.string() })),
});

describe('platform-publisher CLI', () => {
  let dir: string;
  let nats: SecuredNats;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'platform-publisher-cli-'));
    nats = await SecuredNats.start();
  });
  afterAll(async () => {
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'publishes a file, prints a JSON summary, and publishes nothing new the second time',
    async () => {
      const prefix = uniquePrefix();
      const file = join(dir, 'org.yaml');
      writeFileSync(file, orgYaml(uniqueExampleOrg(prefix)));
      // As the platform-publisher user, on a server with the platform's users on (streams made by the provisioner).
      const env = { ...nats.serviceEnv('platform-publisher'), KUBECONFIG: requireEnv('KUBECONFIG') };
      const args = ['--file', file, '--state', join(dir, 'state.json')];

      const first = await cli(args, env);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      const summary = summarySchema.parse(JSON.parse(first.stdout));
      expect(summary).toMatchObject({ published: 20, duplicates: 0 });
      expect(summary.events[0]).toMatchObject({ type: 'platform.evt.tenant.created.v1', subject: `${prefix}-tenant-acme` });
      expect(summary.namespaces.map((n) => n.namespace)).toContain(`${prefix}-dv-proj-e`);

      const second = await cli(args, env);
      expect(second.code).toBe(0);
      expect(summarySchema.parse(JSON.parse(second.stdout))).toMatchObject({ published: 0, duplicates: 20 });
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'prints the plan of a dry run without any server',
    async () => {
      const run = await cli(['--file', EXAMPLE_ORG_PATH, '--dry-run', '--state', join(dir, 'none.json')], {});
      expect(run.code).toBe(0);
      const plan = z.object({ dryRun: z.literal(true), events: z.array(z.object({ reason: z.string() })) }).parse(JSON.parse(run.stdout));
      expect(plan.events).toHaveLength(20);
      expect(plan.events.every((e) => e.reason === 'new')).toBe(true);
    },
    CLI_TIMEOUT_MS,
  );

  it.each([
    [['--file', EXAMPLE_ORG_PATH, '--nats-url', 'http://x'], 'is not a NATS server URL'],
    [['--file', join(__dirname, 'no-such.yaml'), '--nats-url', 'nats://127.0.0.1:4222', '--no-kube'], 'cannot read --file'],
    [['--file', EXAMPLE_ORG_PATH, '--nats-url', 'nats://127.0.0.1:4222'], 'give --kubeconfig, set KUBECONFIG, or pass --no-kube'],
  ])(
    'exits with 2 and one line for bad input: %j',
    async (args, message) => {
      const run = await cli(args, {});
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(message);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'exits with 2 naming the YAML path of a bad reference',
    async () => {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, 'tenants:\n  - { id: t1, name: T }\nclusters:\n  - { id: c1, tenantId: t9, name: C }\n');
      const run = await cli(['--file', file, '--dry-run'], {});
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`platform-publisher: ${file}: clusters[0].tenantId: unknown tenant "t9" (line 4)\n`);
    },
    CLI_TIMEOUT_MS,
  );
});
