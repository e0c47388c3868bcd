import { TestBrowser, registerCliClient, waitFor } from '@dv/testing';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayHarness } from './gateway-harness';
import { AUDIENCE } from './oidc-client';

/**
 * `dv`, the command line (apps/cli), as a person runs it: the real binary in a child process against
 * the real gateway, tokens from the real provider. The seed's story again (create from a PVC, share
 * with a department, seen as a researcher there, refused to an L2 researcher elsewhere, deletion
 * refused in use, the audit log told and verified), `--json` compared with the API's own answer, the
 * exit codes scripts rely on, a service account signing in with client credentials, and a person
 * signing in through the browser (authorization code with PKCE, back to dv's loopback listener: the
 * provider's pages driven with plain HTTP requests in place of a browser), refreshing, signing out.
 */
const DV = resolve(__dirname, '../../../apps/cli/bin/dv.js');
const h = new GatewayHarness();
let dir: string;
let config: string;
let dana: string;
let bob: string;
let carol: string;
let oscar: string;

const DATA_VOLUME_ADMINISTRATOR = 2256;
const L1_RESEARCHER = 5;
const L2_RESEARCHER = 8;
const SYSTEM_ADMINISTRATOR = 1;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface DvOptions {
  token?: string;
  stdin?: string;
  env?: Record<string, string>;
}

/** A running `dv`: its output so far, and its end. */
interface RunningDv {
  child: ChildProcessWithoutNullStreams;
  stderrSoFar(): string;
  done: Promise<Run>;
}

/** Starts one `dv` invocation with its own configuration file (and a token in DV_TOKEN when given). */
function startDv(args: string[], options: DvOptions = {}): RunningDv {
  const child = spawn(process.execPath, [DV, ...args], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: dir,
      DV_CONFIG: config,
      DV_API_URL: h.baseUrl,
      ...(options.token === undefined ? {} : { DV_TOKEN: options.token }),
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<Run>((resolveRun, fail) => {
    child.on('error', fail);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
  child.stdin.end(options.stdin ?? '');
  return { child, stderrSoFar: () => stderr, done };
}

function dv(args: string[], options: DvOptions = {}): Promise<Run> {
  return startDv(args, options).done;
}

function json<T>(run: Run): T {
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as T;
}

beforeAll(async () => {
  ({ dana, bob, carol, oscar } = (await h.startAll({
    name: 'cli',
    gatewayEnv: (provider) => ({ GATEWAY_PROVIDER_ADMIN_URL: provider.adminUrl }), // service accounts are the provider's clients
    rules: [
      ['group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'department', 'd1'],
      ['user', 'bob@acme.example', L1_RESEARCHER, 'project', 'p2'],
      ['user', 'carol@acme.example', L2_RESEARCHER, 'project', 'p3'],
      ['user', 'oscar@acme.example', SYSTEM_ADMINISTRATOR, 'system', 'system'],
    ],
    users: ['dana', 'bob', 'carol', 'oscar'],
  })) as { dana: string; bob: string; carol: string; oscar: string });
  dir = h.providerDir;
  config = join(dir, 'dv', 'config.json');
}, 30 * 60_000);

afterAll(() => h.stopAll(), 60_000);

interface Volume {
  id: string;
  name: string;
  status: { phase: string };
}

describe('dv, the command line, against the real gateway', () => {
  let volume: Volume;

  it('signs in with a token given on stdin, keeping it in an owner-only file', async () => {
    const login = await dv(['login', '--token-stdin'], { stdin: `${dana}\n` });
    expect(login).toEqual({ code: 0, stdout: `signed in to ${h.baseUrl} with the given token\n`, stderr: '' });
    expect((await stat(config)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(config, 'utf8'))).toMatchObject({ url: h.baseUrl, token: { accessToken: dana } });
  });

  it('creates a data volume from a Bound PVC, and it becomes Ready', async () => {
    await h.originPvc(h.namespaceOf('p1'), 'coco');
    const created = json<Volume>(await dv(['datavolume', 'create', 'coco', '-p', 'p1', '--pvc', 'coco', '--description', 'COCO 2017', '-o', 'json']));
    expect(created).toMatchObject({ name: 'coco', projectId: 'p1', createdBy: 'dana@acme.example', status: { phase: 'Creating' } });
    volume = await waitFor(
      async () => {
        const got = json<Volume>(await dv(['datavolume', 'get', 'coco', '--json']));
        return got.status.phase === 'Ready' ? got : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 300, what: 'coco to be Ready' },
    );
    expect(volume.id).toBe(created.id);
  });

  it('refuses a bad name with the API message on stderr and exit 2, and a taken one with exit 6', async () => {
    const bad = await dv(['datavolume', 'create', 'Bad_Name', '-p', 'p1', '--pvc', 'coco']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^dv: .*name/);
    expect(bad.stderr.split('\n')).toHaveLength(2); // one line, no stack
    const taken = await dv(['datavolume', 'create', 'coco', '-p', 'p1', '--pvc', 'coco']);
    expect([taken.code, taken.stderr]).toEqual([6, 'dv: a data volume named coco already exists in cluster c1\n']);
  });

  it('shares it with the department, and prints the whole list', async () => {
    const shared = await dv(['datavolume', 'share', 'coco', '--scope', 'department:d1']);
    expect(shared.code).toBe(0);
    const [header, row] = shared.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual(['TYPE', 'ID', 'NAME', 'SHARED', 'BY']);
    expect(row?.split(/\s{2,}/).slice(0, 2)).toEqual(['department', 'd1']);
  });

  it("lists it for a researcher of a project there, --json being the API's own answer", async () => {
    const listed = await waitFor(
      async () => {
        const rows = json<Volume[]>(await dv(['datavolume', 'list', '-p', 'p2', '--json'], { token: bob }));
        return rows.some((v) => v.id === volume.id) ? rows : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 300, what: 'coco to be usable in p2' },
    );
    const api = await h.http('GET', '/api/v1/datavolumes?requestType=UsableInProject&usableInProjectId=p2&limit=500', { token: bob });
    expect(listed).toEqual((api.body as { datavolumes: unknown[] }).datavolumes);
    const table = await dv(['datavolume', 'list', '-p', 'p2', '--columns', 'name,status.phase', '--no-headers'], { token: bob });
    expect(table).toEqual({ code: 0, stdout: 'coco  Ready\n', stderr: '' });
    const yaml = await dv(['datavolume', 'list', '-p', 'p2', '--yaml', '--columns', 'name'], { token: bob });
    expect(yaml.stdout).toContain('- id: ');
  });

  it('shows an L2 researcher elsewhere nothing of it: not in their project, not by id', async () => {
    expect(json<Volume[]>(await dv(['datavolume', 'list', '-p', 'p3', '--json'], { token: carol }))).toEqual([]);
    const byId = await dv(['datavolume', 'get', volume.id], { token: carol });
    expect(byId.code).toBe(4);
    expect(byId.stderr).toMatch(/^dv: /);
    const canI = await dv(['can-i', 'read', 'datavolumes', '--scope', 'project:p1'], { token: carol });
    expect([canI.code, canI.stdout]).toEqual([1, 'no\n']);
    expect((await dv(['can-i', 'create', 'datavolumes', '--scope', 'project:p1'])).stdout).toBe('yes\n');
  });

  it('refuses to delete it while a workload uses it (exit 6), and describes who uses it', async () => {
    const review = await h.http('POST', '/api/dv/v1/admission/review', {
      token: bob,
      body: {
        projectId: 'p2',
        workloadId: 'bob-train-1',
        workload: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bob-train-1' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
        dataVolumes: [{ id: volume.id, mountPath: '/data' }],
      },
    });
    expect((review.body as { allowed: boolean }).allowed).toBe(true);
    const described = await waitFor(
      async () => {
        const run = await dv(['datavolume', 'describe', 'coco']);
        return run.code === 0 && run.stdout.includes('bob-train-1') ? run.stdout : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 300, what: "bob's workload in coco's description" },
    );
    expect(described).toMatch(/^Name:\s+coco\nID:\s+[0-9a-f-]{36}\n/);
    expect(described).toMatch(/Shared with:\n\s+TYPE\s+ID\s+NAME\s+SHARED\s+BY\n\s+department\s+d1/);
    const refused = await dv(['datavolume', 'delete', 'coco']);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toContain('bob-train-1');
  });

  it('lists the 18 roles, and shows one (to whom may read them; a data admin of a department may not: exit 4)', async () => {
    expect((await dv(['role', 'list'])).code).toBe(4);
    const names = await dv(['role', 'list', '--columns', 'name', '--no-headers'], { token: oscar });
    expect(names.code).toBe(0);
    expect(names.stdout.trim().split('\n')).toHaveLength(18);
    const roles = json<{ id: number; name: string }[]>(await dv(['role', 'list', '--json'], { token: oscar }));
    expect(names.stdout.trim().split('\n')).toEqual(roles.map((r) => r.name));
    const shown = await dv(['role', 'show', String(roles[0]?.id)], { token: oscar });
    expect(shown.stdout).toMatch(new RegExp(`^Role:\\s+${roles[0]?.name ?? ''}\\n`));
  });

  it("prints the API's own answers with --json: a volume, a role, the access rules", async () => {
    const got = json<Volume>(await dv(['datavolume', 'get', 'coco', '--json']));
    expect(got).toEqual((await h.http('GET', `/api/v1/datavolumes/${volume.id}`, { token: dana })).body);
    const role = json<{ id: number; permissions: unknown[] }>(await dv(['role', 'show', String(DATA_VOLUME_ADMINISTRATOR), '--json'], { token: oscar }));
    expect(role).toEqual((await h.http('GET', `/api/v1/authorization/roles/${DATA_VOLUME_ADMINISTRATOR}`, { token: oscar })).body);
    expect(role.permissions.length).toBeGreaterThan(0);
    const rules = json<{ accessRules: { subjectId: string }[] }>(await dv(['access-rule', 'list', '--json'], { token: oscar }));
    expect(rules).toEqual((await h.http('GET', '/api/v1/authorization/access-rules?limit=500', { token: oscar })).body);
    expect(rules.accessRules.map((r) => r.subjectId)).toEqual(expect.arrayContaining(['data-admins', 'bob@acme.example', 'carol@acme.example']));
  });

  it('tells the story from the audit log, exports it with progress, and verifies the chain', async () => {
    const records = await waitFor(
      async () => {
        const page = json<{ audit_logs: { subject: string; action: string; entity_name: string | null }[] }>(
          await dv(['audit', 'query', '--from', '1h', '--json', '--limit', '500'], { token: oscar }),
        );
        return page.audit_logs.some((r) => r.action === 'delete') ? page.audit_logs : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500, what: 'the refused delete in the audit log' },
    );
    expect(records.map((r) => `${r.subject} ${r.action}`)).toEqual(expect.arrayContaining(['dana@acme.example create', 'dana@acme.example delete']));
    const file = join(dir, 'audit.csv');
    const exported = await dv(['audit', 'export', '--from', '1h', '--format', 'csv', '-f', file], { token: oscar });
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/MiB in [\d.]+ s, done\n$/);
    const csv = (await readFile(file, 'utf8')).trim().split('\n');
    expect(csv.length).toBeGreaterThan(records.length); // the header and every record
    const verified = await dv(['audit', 'verify'], { token: oscar });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^the chain holds: \d+ records checked/);
  });

  it('signs a service account in with client credentials through the gateway; it sees what its access rules allow', async () => {
    const created = await h.http('POST', '/api/v1/service-accounts', { token: oscar, body: { name: 'ci-bot' } });
    const account = created.body as { clientId: string; clientSecret: string };
    expect(created.status).toBe(201);
    const saConfig = join(dir, 'sa', 'config.json');
    const env = { DV_CONFIG: saConfig };
    const login = await dv(['login', '--client-id', account.clientId, '--client-secret-stdin'], { stdin: account.clientSecret, env });
    expect(login).toEqual({ code: 0, stdout: `signed in to ${h.baseUrl} as service account ${account.clientId}\n`, stderr: '' });
    expect(await readFile(saConfig, 'utf8')).toContain(account.clientSecret); // kept to sign in again, in an owner-only file
    expect((await stat(saConfig)).mode & 0o777).toBe(0o600);
    // No access rule: nothing to see. A rule for the account: the volumes of its scope.
    expect(json<Volume[]>(await dv(['datavolume', 'list', '-A', '--json'], { env }))).toEqual([]);
    await h.grant('service-account', account.clientId, L1_RESEARCHER, 'project', 'p1');
    const seen = await waitFor(
      async () => {
        const rows = json<Volume[]>(await dv(['datavolume', 'list', '-A', '--json'], { env }));
        return rows.length > 0 ? rows : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 300, what: 'the service account to see the volumes of p1' },
    );
    expect(seen.map((v) => v.name)).toEqual(['coco']);
    const wrong = await dv(['login', '--client-id', account.clientId], { env: { ...env, DV_CLIENT_SECRET: 'not-the-secret' } });
    expect(wrong.code).toBe(3);
  });

  it('says what is wrong with the call itself: unknown flags, a missing scope, a gateway that is not there', async () => {
    expect((await dv(['datavolume', 'list', '--frobnicate'])).code).toBe(2);
    expect((await dv(['datavolume', 'share', 'coco'])).stderr).toBe('dv: --scope <type>:<id> is required (e.g. --scope department:dept-vision)\n');
    const away = await dv(['role', 'list'], { env: { DV_API_URL: 'http://127.0.0.1:9' } });
    expect([away.code, away.stderr.startsWith('dv: cannot reach the gateway at http://127.0.0.1:9')]).toEqual([7, true]);
  });
});

interface SavedConfig {
  url?: string;
  oidc?: { issuer: string; clientId: string; audience: string };
  token?: { accessToken: string; expiresAt?: number; refreshToken?: string };
}

describe('dv login: a person through the browser (authorization code with PKCE, loopback redirect)', () => {
  const ACCESS_TOKEN_LIFESPAN_S = 35;
  let clientId: string;
  let env: Record<string, string>;
  let personConfig: string;
  const saved = async (): Promise<SavedConfig> => JSON.parse(await readFile(personConfig, 'utf8')) as SavedConfig;

  beforeAll(async () => {
    // The command line's public client, as the test bed and `npm start` register it; short-lived access tokens so refreshing is seen.
    clientId = await registerCliClient(h.idp.adminUrl, { audience: AUDIENCE, accessTokenLifespan: `${ACCESS_TOKEN_LIFESPAN_S}s` });
    personConfig = join(dir, 'person', 'config.json');
    env = { DV_CONFIG: personConfig };
  });

  it("signs bob in through the provider's pages, back to dv's listener; --json is then what the API answers him", async () => {
    const login = startDv(['login', '--no-browser', '--issuer', h.idp.issuer, '--oidc-client-id', clientId], { env });
    const address = await waitFor(() => /^ {2}(http:\S+)$/m.exec(login.stderrSoFar())?.[1], {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the sign-in address on stderr',
    });
    const authorize = new URL(address);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${h.idp.publicUrl}/oauth2/auth`);
    const params = Object.fromEntries(authorize.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: clientId,
      scope: 'openid offline_access dv.api',
      audience: AUDIENCE,
      code_challenge_method: 'S256',
    });
    expect(params['code_challenge']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const redirectUri = params['redirect_uri'] ?? '';
    expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    // A redirect that does not carry dv's state is refused, and dv keeps waiting for its own.
    const forged = await fetch(`${redirectUri}?code=stolen&state=not-the-state`);
    expect(forged.status).toBe(400);

    // The browser: the provider sends it to the dev login app's form, then (consent granted) back to dv's listener.
    const browser = new TestBrowser();
    const toLogin = await browser.request(address);
    expect(toLogin.location).toMatch(new RegExp(`^${h.idp.login.loginUrl}\\?login_challenge=`));
    const challenge = new URL(toLogin.location ?? '').searchParams.get('login_challenge') ?? '';
    const signedIn = await browser.request(h.idp.login.loginUrl, {
      form: { login_challenge: challenge, username: 'bob@acme.example', password: h.idp.password },
    });
    const callback = await browser.followUntil(signedIn.location ?? '', redirectUri);
    expect(new URL(callback).searchParams.get('state')).toBe(params['state']);
    const landed = await browser.request(callback);
    expect([landed.status, landed.body]).toEqual([200, expect.stringContaining('dv is signed in')]);

    expect(await login.done).toMatchObject({ code: 0, stdout: `signed in to ${h.baseUrl} as bob@acme.example\n` });
    expect((await stat(personConfig)).mode & 0o777).toBe(0o600);
    const kept = await saved();
    expect(kept).toMatchObject({ url: h.baseUrl, oidc: { issuer: h.idp.issuer, clientId, audience: AUDIENCE } });
    expect(kept.token?.refreshToken).toEqual(expect.any(String));
    expect(kept.token?.expiresAt).toBeLessThanOrEqual(Date.now() + ACCESS_TOKEN_LIFESPAN_S * 1000);

    // No DV_TOKEN: the signed-in token, which is bob's (the volume shared into p2 is his to see).
    const listed = json<Volume[]>(await dv(['datavolume', 'list', '-p', 'p2', '--json'], { env }));
    const api = await h.http('GET', '/api/v1/datavolumes?requestType=UsableInProject&usableInProjectId=p2&limit=500', { token: kept.token?.accessToken ?? '' });
    expect(api.status).toBe(200);
    expect(listed).toEqual((api.body as { datavolumes: unknown[] }).datavolumes);
    expect(listed.map((v) => v.name)).toEqual(['coco']);
    expect((await saved()).token?.accessToken).toBe(kept.token?.accessToken); // still fresh: not renewed
  });

  it('refreshes the access token once it has expired, once for concurrent commands, keeping the rotated refresh token', async () => {
    const before = await saved();
    const expiresAt = before.token?.expiresAt ?? 0;
    await sleep(Math.max(0, expiresAt - Date.now() + 1000));
    // The gateway refuses the expired token itself…
    expect(
      (await h.http('GET', '/api/v1/datavolumes?requestType=UsableInProject&usableInProjectId=p2', { token: before.token?.accessToken ?? '' })).status,
    ).toBe(401);
    // …and dv, signed in with it, renews it by the refresh token and goes on: three at once, of which
    // one renews (a refresh token is single-use: two renewals would make Hydra revoke the sign-in).
    const runs = await Promise.all([1, 2, 3].map(() => dv(['datavolume', 'list', '-p', 'p2', '--json'], { env })));
    const [listed = []] = runs.map((run) => json<Volume[]>(run));
    for (const run of runs) expect(JSON.parse(run.stdout)).toEqual(listed);
    expect(listed.map((v) => v.name)).toEqual(['coco']);
    const after = await saved();
    expect(after.token?.accessToken).not.toBe(before.token?.accessToken);
    expect(after.token?.refreshToken).not.toBe(before.token?.refreshToken); // Hydra rotates it
    expect(after.token?.expiresAt).toBeGreaterThan(Date.now());
    const api = await h.http('GET', '/api/v1/datavolumes?requestType=UsableInProject&usableInProjectId=p2&limit=500', {
      token: after.token?.accessToken ?? '',
    });
    expect(listed).toEqual((api.body as { datavolumes: unknown[] }).datavolumes);
  }, 90_000);

  it('signs out revoking the refresh token at the provider; the next command asks to sign in (exit 3)', async () => {
    const before = await saved();
    const refreshToken = before.token?.refreshToken ?? '';
    expect(await dv(['logout'], { env })).toEqual({ code: 0, stdout: `signed out of ${h.baseUrl}; the sign-in is revoked at ${h.idp.issuer}\n`, stderr: '' });
    const after = await saved();
    expect(after.token).toBeUndefined();
    expect(after.oidc).toEqual(before.oidc); // the provider is remembered: `dv login` alone signs in again
    // The provider no longer honours the refresh token.
    const reuse = await fetch(`${h.baseUrl}/api/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }).toString(),
    });
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { details?: { error?: string } }).details?.error).toBe('invalid_grant');
    const list = await dv(['datavolume', 'list', '-p', 'p2'], { env });
    expect([list.code, list.stderr]).toEqual([3, 'dv: not signed in: run `dv login`\n']);
    // A copy of the file made before logout is no way back in: its expired token cannot be renewed.
    await writeFile(personConfig, JSON.stringify({ ...before, token: { ...before.token, expiresAt: Date.now() - 1000 } }), { mode: 0o600 });
    const stale = await dv(['datavolume', 'list', '-p', 'p2'], { env });
    expect(stale.code).toBe(3);
    expect(stale.stderr).toMatch(/^dv: your sign-in has ended \(.*\): run `dv login` again\n$/);
    await writeFile(personConfig, JSON.stringify(after), { mode: 0o600 });
  });

  it('ends the sign-in when the person turns it down at the provider (exit 3), keeping no token', async () => {
    const login = startDv(['login', '--no-browser'], { env }); // the provider and client of the last sign-in
    const address = await waitFor(() => /^ {2}(http:\S+)$/m.exec(login.stderrSoFar())?.[1], {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'the sign-in address',
    });
    // The provider's answer when the person refuses (RFC 6749 §4.1.2.1), as it would redirect the browser.
    const params = new URL(address).searchParams;
    const refused = await fetch(`${params.get('redirect_uri') ?? ''}?error=access_denied&error_description=refused&state=${params.get('state') ?? ''}`);
    expect(refused.status).toBe(400);
    const run = await login.done;
    expect([run.code, run.stdout]).toEqual([3, '']);
    expect(run.stderr).toMatch(/dv: the identity provider refused the sign-in: access_denied \(refused\)\n$/);
    expect((await saved()).token).toBeUndefined();
  });

  it('refuses the device flow (exit 2), which the provider does not offer, and says so in --help', async () => {
    const discovery = (await (await fetch(`${h.idp.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery['device_authorization_endpoint']).toBeUndefined(); // Ory Hydra v2.3.0: no RFC 8628
    const device = await dv(['login', '--device'], { env });
    expect([device.code, device.stdout]).toEqual([2, '']);
    expect(device.stderr).toMatch(/^dv: the device flow \(RFC 8628\) is not available: Ory Hydra v2\.3\.0.*\n$/);
    const help = await dv(['login', '--help'], { env });
    expect(help.stdout).toContain('--device is refused (exit 2)');
  });
});
