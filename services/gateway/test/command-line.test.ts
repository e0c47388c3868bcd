import { waitFor } from '@dv/testing';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GatewayHarness } from './gateway-harness';

/**
 * `dv`, the command line (apps/cli), as a person runs it: the real binary in a child process against
 * the real gateway, tokens from the real provider. The seed's story again (create from a PVC, share
 * with a department, seen as a researcher there, refused to an L2 researcher elsewhere, deletion
 * refused in use, the audit log told and verified), `--json` compared with the API's own answer, the
 * exit codes scripts rely on, and a service account signing in with client credentials.
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

/** One `dv` invocation with its own configuration file (and a token in DV_TOKEN when given). */
function dv(args: string[], options: { token?: string; stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return new Promise((done, fail) => {
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
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
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
