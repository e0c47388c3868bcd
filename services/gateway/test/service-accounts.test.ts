import { type DevIdentityProvider, type ServiceProcess, startDevIdentityProvider, waitFor } from '@dv/testing';
import { decodeJwt } from 'jose';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HttpAnswer, GatewayHarness } from './gateway-harness';
import { AUDIENCE, userToken } from './oidc-client';

/**
 * Service accounts through the gateway, against the real provider (Ory Hydra, its admin API on a 0600
 * unix socket), nats-server with the platform's users, authz and the other services as processes:
 * created through the API, they get tokens with client credentials at /api/v2/token and /api/v1/token,
 * are authorized by their own access rules only, and once disabled or deleted their next call is 401
 * on every gateway replica, even with a token verified (and cached) before.
 */
const h = new GatewayHarness();
let idp: DevIdentityProvider;
let dir: string;
let oscar: string; // System administrator at the system scope (granted below): may manage service accounts
let alice: string; // researcher, no rule on apps

const SYSTEM_ADMINISTRATOR = 1;
const CLOUD_OPERATOR = 1711; // apps: create, read, update, delete

interface Account {
  id: string;
  name: string;
  clientId: string;
  enabled: boolean;
  createdBy: string;
  clientSecret?: string;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dv-service-accounts-test-'));
  idp = await startDevIdentityProvider({ dir });
  // Service accounts: the provider's admin API, on its 0600 socket.
  await h.startWithGateway(idp, { GATEWAY_PROVIDER_ADMIN_URL: idp.adminUrl });
  await h.grant('user', 'oscar@acme.example', SYSTEM_ADMINISTRATOR, 'system', 'system');
  oscar = await userToken(idp, 'oscar@acme.example');
  alice = await userToken(idp, 'alice@acme.example');
}, 30 * 60_000);

afterAll(async () => {
  await h.stopPlatform();
  await idp?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

function expectError(answer: HttpAnswer, status: number): void {
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expect.objectContaining({ code: status, message: expect.any(String) }) });
}

/** A client-credentials token through the gateway's OAuth2 endpoint. */
async function v2Token(gatewayUrl: string, clientId: string, secret: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gatewayUrl}/api/v2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function tokenOf(clientId: string, secret: string): Promise<string> {
  const answer = await v2Token(h.baseUrl, clientId, secret);
  expect(answer.status).toBe(200);
  return answer.body['access_token'] as string;
}

async function create(name: string): Promise<Account> {
  const answer = await h.http('POST', '/api/v1/service-accounts', { token: oscar, body: { name } });
  expect(answer.status).toBe(201);
  return answer.body as Account;
}

/** A second gateway replica, trusting the same provider. */
async function replica(): Promise<{ process: ServiceProcess; url: string }> {
  const process = await h.addReplica({
    name: 'gateway',
    env: { GATEWAY_PORT: '0', GATEWAY_OIDC_ISSUER: idp.issuer, GATEWAY_OIDC_AUDIENCE: AUDIENCE, GATEWAY_PROVIDER_ADMIN_URL: idp.adminUrl },
  });
  const port = /"msg":"service ready".*?"httpPort":(\d+)/.exec(process.output())?.[1] ?? '';
  return { process, url: `http://127.0.0.1:${port}` };
}

async function httpAt(url: string, method: string, path: string, token: string): Promise<number> {
  return (await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}` } })).status;
}

describe('managing service accounts', () => {
  it('creates one: 201 with the client secret once (no-store), the revision, and an OAuth2 client of the provider', async () => {
    const answer = await h.http('POST', '/api/v1/service-accounts', { token: oscar, body: { name: 'ci-pipeline' } });
    expect(answer.status).toBe(201);
    const account = answer.body as Account;
    expect(account).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'ci-pipeline',
      clientId: account.id,
      clientSecret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), // 32 random bytes, base64url
      enabled: true,
      createdBy: 'oscar@acme.example',
      createdAt: expect.any(String),
      updatedBy: 'oscar@acme.example',
      updatedAt: expect.any(String),
    });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(answer.headers.get('x-dv-revision') ?? '{}')).toEqual({ events: expect.any(Number) });
    // Never shown again.
    const got = await h.http('GET', `/api/v1/service-accounts/${account.id}`, { token: oscar });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ ...account, clientSecret: undefined });
    expect(Object.keys(got.body as object)).not.toContain('clientSecret');
  });

  it('refuses a taken name (409), bad names and unknown fields (400 naming them), unknown and malformed ids', async () => {
    expectError(await h.http('POST', '/api/v1/service-accounts', { token: oscar, body: { name: 'ci-pipeline' } }), 409);
    for (const body of [{ name: 'Bad Name' }, { name: 'x' }, { name: 'trailing-' }, {}, { name: 'ok-name', enabled: false }, 'not json', []]) {
      const answer = await h.http('POST', '/api/v1/service-accounts', { token: oscar, body });
      expectError(answer, 400);
    }
    const unknownField = await h.http('POST', '/api/v1/service-accounts', { token: oscar, body: { name: 'ok-name', scope: 'x' } });
    expect((unknownField.body as { details: { issues: { field: string }[] } }).details.issues).toEqual([{ field: 'scope', message: expect.any(String) }]);
    expectError(await h.http('GET', '/api/v1/service-accounts/00000000-0000-4000-8000-000000000000', { token: oscar }), 404);
    expectError(await h.http('GET', '/api/v1/service-accounts/not-a-uuid', { token: oscar }), 400);
    expectError(await h.http('PATCH', '/api/v1/service-accounts/00000000-0000-4000-8000-000000000000', { token: oscar, body: { enabled: 'no' } }), 400);
    expectError(await h.http('GET', '/api/v1/service-accounts?limit=0', { token: oscar }), 400);
    expectError(await h.http('GET', '/api/v1/service-accounts?pageSize=3', { token: oscar }), 400);
  });

  it('answers 403 to a caller without `apps` permission at the system scope, and creates nothing', async () => {
    expectError(await h.http('POST', '/api/v1/service-accounts', { token: alice, body: { name: 'alices' } }), 403);
    expectError(await h.http('GET', '/api/v1/service-accounts', { token: alice }), 403);
    const list = (await h.http('GET', '/api/v1/service-accounts', { token: oscar })).body as { serviceAccounts: Account[] };
    expect(list.serviceAccounts.map((a) => a.name)).not.toContain('alices');
  });

  it('lists them, paged by offset and limit (next = the next offset)', async () => {
    await create('lister-a');
    await create('lister-b');
    const all = (await h.http('GET', '/api/v1/service-accounts?limit=500', { token: oscar })).body as { next?: number; serviceAccounts: Account[] };
    expect(all.next).toBeUndefined();
    expect(all.serviceAccounts.map((a) => a.name)).toEqual(expect.arrayContaining(['ci-pipeline', 'lister-a', 'lister-b']));
    expect(all.serviceAccounts.every((a) => a.clientSecret === undefined)).toBe(true);
    const first = (await h.http('GET', '/api/v1/service-accounts?limit=1', { token: oscar })).body as { next?: number; serviceAccounts: Account[] };
    expect(first).toEqual({ next: 1, serviceAccounts: [all.serviceAccounts[0]] });
    const second = (await h.http('GET', '/api/v1/service-accounts?limit=1&offset=1', { token: oscar })).body as { serviceAccounts: Account[] };
    expect(second.serviceAccounts).toEqual([all.serviceAccounts[1]]);
  });
});

describe('a service account at work', () => {
  let account: Account;
  let token: string;

  beforeAll(async () => {
    account = await create('robot');
  });

  it('gets a token with its client credentials at /api/v2/token and /api/v1/token (app_token and client_credentials), for the gateway audience', async () => {
    token = await tokenOf(account.clientId, account.clientSecret ?? '');
    expect(decodeJwt(token)).toMatchObject({ sub: account.clientId, client_id: account.clientId, aud: [AUDIENCE] });
    for (const body of [
      { grantType: 'app_token', AppId: account.clientId, AppSecret: account.clientSecret },
      { grantType: 'client_credentials', clientId: account.clientId, clientSecret: account.clientSecret },
    ]) {
      const v1 = await h.http('POST', '/api/v1/token', { body });
      expect(v1.status).toBe(200);
      expect(v1.body).toEqual({ accessToken: expect.any(String), expiresIn: expect.any(Number) });
      expect(decodeJwt((v1.body as { accessToken: string }).accessToken)).toMatchObject({ sub: account.clientId, aud: [AUDIENCE] });
    }
  });

  it('is authorized by its access rules only: 403 before a rule, 200 after', async () => {
    expectError(await h.http('GET', '/api/v1/service-accounts', { token }), 403);
    // A user rule of the same id grants nothing: the rule must name a service account.
    await h.grant('user', account.clientId, CLOUD_OPERATOR, 'system', 'system');
    expectError(await h.http('GET', '/api/v1/service-accounts', { token }), 403);
    await h.grant('service-account', account.clientId, CLOUD_OPERATOR, 'system', 'system');
    await waitFor(async () => ((await h.http('GET', '/api/v1/service-accounts', { token })).status === 200 ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: "the service account's rule to apply",
    });
  });

  it('disabled: its next call is 401 with the token the gateway verified and cached before, on every replica, and it gets no new token', async () => {
    const other = await replica();
    expect(await httpAt(other.url, 'GET', '/api/v1/service-accounts', token)).toBe(200); // verified and cached there too
    const disabled = await h.http('PATCH', `/api/v1/service-accounts/${account.id}`, { token: oscar, body: { enabled: false } });
    const answeredAt = performance.now();
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: account.id, enabled: false, updatedBy: 'oscar@acme.example' });
    expect(JSON.parse(disabled.headers.get('x-dv-revision') ?? '{}')).toEqual({ events: expect.any(Number) });
    // The replica that made the change has applied it before answering: the next call is refused, without a pause.
    expect(await h.http('GET', '/api/v1/service-accounts', { token })).toMatchObject({
      status: 401,
      body: { code: 401, message: 'Missing or invalid bearer token.' },
    });
    // The other replica learns it from the event, within a NATS round trip.
    await waitFor(async () => ((await httpAt(other.url, 'GET', '/api/v1/service-accounts', token)) === 401 ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 2,
      what: 'the other replica to refuse the disabled account',
    });
    process.stdout.write(
      `service-accounts.test: the other replica refused the disabled account ${(performance.now() - answeredAt).toFixed(1)} ms after the PATCH answer\n`,
    );
    // The provider issues it nothing any more, through either endpoint.
    const refused = await v2Token(h.baseUrl, account.clientId, account.clientSecret ?? '');
    expect(refused).toEqual({ status: 400, body: expect.objectContaining({ code: 400, details: { error: 'unauthorized_client' } }) });
    const refusedV1 = await h.http('POST', '/api/v1/token', { body: { grantType: 'app_token', AppId: account.clientId, AppSecret: account.clientSecret } });
    expectError(refusedV1, 400);
    expect((await h.http('GET', `/api/v1/service-accounts/${account.id}`, { token: oscar })).body).toMatchObject({ enabled: false });
    // A replica started after the change refuses it from its first request.
    const late = await replica();
    expect(await httpAt(late.url, 'GET', '/api/v1/service-accounts', token)).toBe(401);
    await other.process.stop();
    await late.process.stop();
  });

  it('enabled again: the same token works, and new tokens are issued', async () => {
    const enabled = await h.http('PATCH', `/api/v1/service-accounts/${account.id}`, { token: oscar, body: { enabled: true } });
    expect(enabled.body).toMatchObject({ id: account.id, enabled: true });
    expect((await h.http('GET', '/api/v1/service-accounts', { token })).status).toBe(200);
    const fresh = await tokenOf(account.clientId, account.clientSecret ?? '');
    expect((await h.http('GET', '/api/v1/service-accounts', { token: fresh })).status).toBe(200);
  });

  it('regenerate secret: the new secret gets tokens, the old one no longer does', async () => {
    const answer = await h.http('POST', `/api/v1/service-accounts/${account.id}/secret`, { token: oscar });
    expect(answer.status).toBe(200);
    const renewed = answer.body as Account;
    expect(renewed).toMatchObject({ id: account.id, clientId: account.clientId, enabled: true, clientSecret: expect.any(String) });
    expect(renewed.clientSecret).not.toBe(account.clientSecret);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const old = await v2Token(h.baseUrl, account.clientId, account.clientSecret ?? '');
    expect(old).toEqual({ status: 401, body: { code: 401, message: expect.any(String) } });
    expect((await h.http('POST', '/api/v1/token', { body: { grantType: 'app_token', AppId: account.clientId, AppSecret: account.clientSecret } })).status).toBe(
      401,
    );
    const fresh = await tokenOf(account.clientId, renewed.clientSecret ?? '');
    expect((await h.http('GET', '/api/v1/service-accounts', { token: fresh })).status).toBe(200);
    account = { ...account, clientSecret: renewed.clientSecret ?? '' };
  });

  it('deleted: 204, gone from the provider and the list, and its tokens are refused at once', async () => {
    const deleted = await h.http('DELETE', `/api/v1/service-accounts/${account.id}`, { token: oscar });
    expect(deleted.status).toBe(204);
    expect(JSON.parse(deleted.headers.get('x-dv-revision') ?? '{}')).toEqual({ events: expect.any(Number) });
    expect((await h.http('GET', '/api/v1/service-accounts', { token })).status).toBe(401);
    expectError(await h.http('GET', `/api/v1/service-accounts/${account.id}`, { token: oscar }), 404);
    expect((await v2Token(h.baseUrl, account.clientId, account.clientSecret ?? '')).status).toBe(401);
    const list = (await h.http('GET', '/api/v1/service-accounts?limit=500', { token: oscar })).body as { serviceAccounts: Account[] };
    expect(list.serviceAccounts.map((a) => a.id)).not.toContain(account.id);
    expectError(await h.http('DELETE', `/api/v1/service-accounts/${account.id}`, { token: oscar }), 404);
  });
});

/** The TCP ports a process listens on, from the sockets it holds (/proc/<pid>/fd) and the kernel's tables. */
function listeningTcpPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const target = (() => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })();
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode !== undefined) inodes.add(inode);
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is cols[1] (hex ip:port), st cols[3] (0A = LISTEN), inode cols[9].
      if (cols[3] === '0A' && inodes.has(cols[9] ?? '')) ports.push(parseInt(cols[1]?.split(':')[1] ?? '0', 16));
    }
  }
  return ports;
}

describe("the provider's admin API is locked", () => {
  it('listens on a 0600 unix socket (in a 0700 folder) only: Hydra holds one TCP listener, its public port, which serves no admin path', async () => {
    // Whatever TCP port Hydra listens on, nobody mints a client there.
    const ports = listeningTcpPorts(idp.process.pid);
    expect(ports.length).toBeGreaterThan(0);
    for (const port of ports) {
      const minted = await fetch(`http://127.0.0.1:${port}/admin/clients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_types: ['client_credentials'] }),
      });
      expect({ port, status: minted.status }).toEqual({ port, status: 404 });
    }
    expect(idp.adminUrl).toBe(`unix:${idp.adminSocket}`);
    const socket = statSync(idp.adminSocket);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(socket.uid).toBe(process.getuid?.());
    expect(statSync(join(idp.adminSocket, '..')).mode & 0o777).toBe(0o700);
    const publicPort = Number(new URL(idp.publicUrl).port);
    expect(listeningTcpPorts(idp.process.pid)).toEqual([publicPort]);
    for (const path of ['/admin/clients', '/admin/keys/hydra.jwt.access-token', '/admin/oauth2/auth/requests/login?login_challenge=x']) {
      expect((await fetch(`${idp.publicUrl}${path}`)).status).toBe(404);
    }
  });

  it('is out of reach of another local user (the socket refuses them), while its owner reaches it', () => {
    const nobody = (() => {
      try {
        return Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
      } catch {
        return undefined;
      }
    })();
    // As root the kernel would let any process through: run the probe as the unprivileged `nobody`.
    expect(nobody).toEqual(expect.any(Number));
    // Exits once answered: a kept-alive connection would hold the probe until the server's idle timeout.
    const probe = `require('node:http').get({socketPath: ${JSON.stringify(idp.adminSocket)}, path: '/admin/clients', agent: false}, (r) => { console.log('status ' + r.statusCode); process.exit(0); }).on('error', (e) => { console.log('error ' + e.code); process.exit(0); })`;
    const asNobody = execFileSync(process.execPath, ['-e', probe], { uid: nobody, gid: nobody, encoding: 'utf8', cwd: tmpdir(), timeout: 30_000 }).trim();
    expect(asNobody).toMatch(/^error (EACCES|EPERM)$/);
    const asOwner = execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 30_000 }).trim();
    expect(asOwner).toBe('status 200');
  });
});
