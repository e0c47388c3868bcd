import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completion, runCli } from './cli';
import { EXIT } from './core/cli-error';

function capture(): { out: string[]; err: string[]; ctx: Parameters<typeof runCli>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'dv-cli-spec-'));
  return { out, err, ctx: { env: { DV_CONFIG: join(dir, 'config.json') }, out: (t) => out.push(t), err: (t) => err.push(t), errIsTty: false } };
}

describe('dv (no server)', () => {
  it('answers usage errors with exit 2 and one line on stderr', async () => {
    const c = capture();
    expect(await runCli(['frobnicate'], c.ctx)).toBe(EXIT.usage);
    expect(c.err.join('')).toBe('dv: unknown command frobnicate: see dv help\n');
    expect(await runCli(['datavolume', 'list', '-p', 'p1', '-A'], c.ctx)).toBe(EXIT.usage);
  });

  it('says how to sign in when it cannot (exit 3)', async () => {
    const c = capture();
    expect(await runCli(['datavolume', 'list'], c.ctx)).toBe(EXIT.unauthenticated);
    expect(c.err.join('')).toContain('dv login --url');
  });

  it('refuses a configuration file that is not one, without a stack', async () => {
    const c = capture();
    writeFileSync(c.ctx.env['DV_CONFIG'] ?? '', '{not json');
    expect(await runCli(['datavolume', 'list'], c.ctx)).toBe(EXIT.usage);
    expect(c.err.join('')).toMatch(/^dv: .* is not a dv configuration/);
  });

  it('reports an unreachable gateway as unavailable (exit 7)', async () => {
    const c = capture();
    const ctx = { ...c.ctx, env: { ...c.ctx.env, DV_API_URL: 'http://127.0.0.1:9', DV_TOKEN: 'a.b.c' } };
    expect(await runCli(['role', 'list'], ctx)).toBe(EXIT.unavailable);
    expect(c.err.join('')).toContain('cannot reach the gateway at http://127.0.0.1:9');
  });

  it('prints help for a command, and a completion script bash accepts', async () => {
    const c = capture();
    expect(await runCli(['datavolume', 'share', '--help'], c.ctx)).toBe(EXIT.ok);
    expect(c.out.join('')).toContain('Usage: dv datavolume share <id|name> --scope <type>:<id>');
    const script = completion('bash');
    expect(script).toContain('complete -F _dv_complete dv');
    // bash parses it (syntax only).
    const file = join(mkdtempSync(join(tmpdir(), 'dv-completion-')), 'dv.bash');
    writeFileSync(file, script);
    expect(() => execFileSync('bash', ['-n', file])).not.toThrow();
    expect(() => completion('fish')).toThrow('completion: bash or zsh');
  });

  it('refuses the device flow with exit 2 before any network call, and a browser sign-in without a provider', async () => {
    const c = capture();
    const ctx = { ...c.ctx, env: { ...c.ctx.env, DV_API_URL: 'http://127.0.0.1:9' } };
    expect(await runCli(['login', '--device'], ctx)).toBe(EXIT.usage);
    expect(c.err.join('')).toMatch(/^dv: the device flow \(RFC 8628\) is not available/);
    c.err.length = 0;
    expect(await runCli(['login'], ctx)).toBe(EXIT.usage);
    expect(c.err.join('')).toContain('give --issuer <url> and --oidc-client-id');
    c.err.length = 0;
    expect(await runCli(['login', '--browser', '--client-id', 'x'], ctx)).toBe(EXIT.usage);
    expect(c.err.join('')).toBe('dv: --browser, --client-id and --token-stdin exclude each other\n');
    c.err.length = 0;
    expect(await runCli(['login', '--issuer', 'ftp://x/', '--oidc-client-id', 'c'], ctx)).toBe(EXIT.usage);
    expect(c.err.join('')).toBe('dv: --issuer ftp://x/: the provider is reached over http or https\n');
  });

  it('signs out here even when the provider cannot be reached to revoke the sign-in, and says so (exit 7)', async () => {
    const c = capture();
    const path = c.ctx.env['DV_CONFIG'] ?? '';
    const oidc = { issuer: 'http://127.0.0.1:9/', clientId: 'dv-cli', audience: 'dv-gateway' };
    writeFileSync(path, JSON.stringify({ url: 'http://127.0.0.1:9', oidc, token: { accessToken: 'a.b.c', refreshToken: 'r' } }));
    expect(await runCli(['logout'], c.ctx)).toBe(EXIT.unavailable);
    expect(c.err.join('')).toMatch(/^dv: signed out here, but cannot reach the identity provider at http:\/\/127\.0\.0\.1:9\/: /);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ url: 'http://127.0.0.1:9', oidc });
  });
});
