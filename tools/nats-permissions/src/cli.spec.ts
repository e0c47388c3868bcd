import { repoRoot } from '@dv/testing';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
}

describe('nats-permissions CLI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dv-nats-permissions-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('checks the committed config, and reports a stale one', async () => {
    const ok = io();
    expect(await runCli(['--check', '--out', join(repoRoot(), 'deploy/nats/nats-server.conf')], {}, ok.io)).toBe(0);
    const stale = join(dir, 'stale.conf');
    await writeFile(stale, 'jetstream {}\n');
    const bad = io();
    expect(await runCli(['--check', '--out', stale], {}, bad.io)).toBe(1);
    expect(bad.err.join('\n')).toContain('tools/nats-permissions/src/main.ts --out deploy/nats/nats-server.conf');
  });

  it('writes the config and a private env file of passwords', async () => {
    const out = join(dir, 'nats.conf');
    const envOut = join(dir, 'nats.env');
    const run = io();
    expect(await runCli(['--out', out, '--env-out', envOut], { DV_NATS_OPERATOR_PASSWORD: 'pOperatorPassword1' }, run.io)).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('password: $DV_NATS_AUTHZ_PASSWORD');
    const env = await readFile(envOut, 'utf8');
    expect(env).toMatch(/^DV_NATS_AUTHZ_PASSWORD=p[A-Za-z0-9]{31}$/m);
    expect(env).toContain('DV_NATS_OPERATOR_PASSWORD=pOperatorPassword1\n');
    expect((await stat(envOut)).mode & 0o777).toBe(0o600);
  });

  it('refuses a password nats-server would misread, and unknown arguments', async () => {
    const run = io();
    expect(await runCli(['--out', join(dir, 'x.conf'), '--env-out', join(dir, 'x.env')], { DV_NATS_AUTHZ_PASSWORD: '12345678901234' }, run.io)).toBe(2);
    expect(run.err.join('\n')).toContain('DV_NATS_AUTHZ_PASSWORD');
    expect(await runCli(['--bogus'], {}, io().io)).toBe(2);
    expect(await runCli(['--check'], {}, io().io)).toBe(2);
  });

  it('prints the config without --out', async () => {
    const run = io();
    expect(await runCli([], {}, run.io)).toBe(0);
    expect(run.out.join('\n')).toMatch(/^authorization \{$/m);
  });
});
