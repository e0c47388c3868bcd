import { type DevIdentityProvider, repoRoot, startDevIdentityProvider } from '@dv/testing';
import { JsonLogger } from '@dv/telemetry';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ALL_OPERATIONS } from '../src/api/all-operations';
import { documentText } from '../src/api/api-document-file';
import { OPENAPI_FILE } from '../src/api/openapi-file';
import { openApiDocument } from '../src/api/openapi-document';
import { type ServedRoute, routeCoverage } from '../src/api/route-coverage';
import { gatewayConfigSchema } from '../src/config/gateway-config';
import { GatewayModule } from '../src/gateway.module';
import { ServiceCalls } from '../src/http/service-calls';
import { registerCheckRoutes } from '../src/use-cases/check/check.routes';
import { GatewayHarness } from './gateway-harness';
import { AUDIENCE, userToken } from './oidc-client';

/**
 * The API description against the gateway as it runs (the provider, NATS, the services, FerretDB and
 * the kube-apiserver real): the document and its page are served without a token, every route has
 * exactly one descriptor, and Schemathesis, a client none of us wrote, finds nothing with a data
 * admin's token from the provider.
 */
const h = new GatewayHarness();
let idp: DevIdentityProvider;
let dir: string;
let dana: string; // data-admins: the group holds Data volume administrator in tenant t1
let volumeId: string;

const DATA_VOLUME_ADMINISTRATOR = 2256;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dv-api-description-test-'));
  idp = await startDevIdentityProvider({ dir });
  await h.startWithGateway(idp, { GATEWAY_PROVIDER_ADMIN_URL: idp.adminUrl });
  await h.grant('group', 'data-admins', DATA_VOLUME_ADMINISTRATOR, 'tenant', 't1');
  dana = await userToken(idp, 'dana@acme.example');
  // A volume for Schemathesis to read and change (schemathesis.toml).
  await h.originPvc(h.namespaceOf('p1'), 'fuzzed');
  const created = await h.http('POST', '/api/v1/datavolumes', { token: dana, body: { name: 'fuzzed', projectId: 'p1', originPvcName: 'fuzzed' } });
  if (created.status !== 201) throw new Error(`the volume for Schemathesis was not made: ${created.status} ${JSON.stringify(created.body)}`);
  volumeId = (created.body as { id: string }).id;
}, 30 * 60_000); // the first run on a machine builds Hydra

afterAll(async () => {
  await h.stopPlatform();
  await idp?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('the API description, served', () => {
  it('serves /api/openapi.json without a token: the committed document', async () => {
    const answer = await h.http('GET', '/api/openapi.json');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual(openApiDocument(ALL_OPERATIONS));
    expect(documentText(answer.body)).toBe(await readFile(OPENAPI_FILE, 'utf8'));
  });

  it('serves the documentation page without a token, with nothing fetched from elsewhere and nothing inline', async () => {
    const page = await fetch(`${h.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    const references = [...new Set([...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]))];
    expect(references.sort()).toEqual(['/api/docs/docs.css', '/api/docs/docs.js', '/api/openapi.json']);
    // No inline script or style: the page works under a Content-Security-Policy of default-src 'self'.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
    for (const [path, type] of [
      ['/api/docs/docs.js', 'text/javascript; charset=utf-8'],
      ['/api/docs/docs.css', 'text/css; charset=utf-8'],
    ] as const) {
      const asset = await fetch(`${h.baseUrl}${path}`);
      expect([path, asset.status, asset.headers.get('content-type')]).toEqual([path, 200, type]);
      expect(await asset.text()).not.toMatch(/https?:\/\//);
    }
  });

  it('still needs a token everywhere else, and answers a method a path does not have with 405 and Allow', async () => {
    expect((await h.http('GET', '/api/v1/datavolumes/count?requestType=Originated')).status).toBe(401);
    expect((await h.http('PUT', '/api/v1/datavolumes')).status).toBe(401);
    const put = await h.http('PUT', '/api/v1/datavolumes', { token: dana, body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(put.body).toEqual({ code: 405, message: expect.stringContaining('GET, HEAD, POST') });
    expect((await h.http('POST', '/api/v1/datavolumes/00000000-0000-4000-8000-000000000000', { token: dana, body: {} })).headers.get('allow')).toBe(
      'DELETE, GET, HEAD, PATCH',
    );
    expect((await h.http('GET', '/api/v1/nothing-here', { token: dana })).status).toBe(404);
  });

  // Found by Schemathesis: a static path that a route with a parameter also takes, and the open paths.
  it('answers 405 for a method a static path lacks though a route with a parameter would take it, and on the open paths without a token', async () => {
    const patch = await h.http('PATCH', '/api/v1/datavolumes/name-availability?dataName=a&clusterId=c1', { token: dana, body: { description: 'x' } });
    expect([patch.status, patch.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect((await h.http('DELETE', '/api/v1/datavolumes/count', { token: dana })).status).toBe(405);
    expect((await h.http('PATCH', '/api/v1/datavolumes/count')).status).toBe(401);
    const trace = await h.http('DELETE', '/api/docs');
    expect([trace.status, trace.headers.get('allow'), trace.body]).toEqual([405, 'GET, HEAD', { code: 405, message: expect.any(String) }]);
  });

  it("answers a path parameter longer than its schema allows with 400 in the platform's error body, not the HTTP router's own 414", async () => {
    for (const path of [`/api/dv/v1/projects/${'p'.repeat(300)}/pvcs`, `/api/v1/datavolumes/${'v'.repeat(300)}`]) {
      const answer = await h.http('GET', path, { token: dana });
      expect([path.slice(0, 24), answer.status, answer.body]).toEqual([
        path.slice(0, 24),
        400,
        expect.objectContaining({ code: 400, message: expect.any(String) }),
      ]);
    }
  });

  it('answers a request line too long to read with 431 and the error body, as documented on every operation', async () => {
    const answer = await h.http('GET', `/api/v1/datavolumes?requestType=Originated&filterBy=${'name%3D%3D'.repeat(3000)}`, { token: dana });
    expect(answer).toMatchObject({ status: 431, body: { code: 431, message: expect.any(String) } });
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // A path parameter longer than any id is refused by validation, naming it, not by the router.
    const longId = await h.http('GET', `/api/dv/v1/projects/${'0'.repeat(254)}/pvcs`, { token: dana });
    expect(longId).toMatchObject({ status: 400, body: { code: 400, details: { issues: [{ field: 'projectId' }] } } });
    // The gateway still answers on other connections.
    expect((await h.http('GET', '/api/v1/datavolumes/count?requestType=Originated', { token: dana })).status).toBe(200);
  });
});

describe('every route has exactly one descriptor, and every descriptor a route', () => {
  it('holds for the routes the gateway module and runGateway register', async () => {
    const adapter = new FastifyAdapter();
    const routes: ServedRoute[] = [];
    adapter.getInstance().addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    const nc = await h.connectAs('gateway');
    const config = gatewayConfigSchema.parse({ NATS_URL: 'nats://127.0.0.1:4222', GATEWAY_OIDC_ISSUER: idp.issuer, GATEWAY_OIDC_AUDIENCE: AUDIENCE });
    const logger = new JsonLogger('gateway-routes', { level: 'error' });
    const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.register({ config, nc, logger }), adapter, { logger: false });
    try {
      await app.init();
      // The routes served outside Nest, as runGateway registers them.
      registerCheckRoutes(adapter.getInstance(), app.get(ServiceCalls));
    } finally {
      await app.close();
      await nc.close();
    }
    expect(routes.filter((r) => r.url.startsWith('/api/')).length).toBeGreaterThanOrEqual(ALL_OPERATIONS.length);
    expect(routeCoverage(routes, ALL_OPERATIONS)).toEqual({ undocumented: [], unserved: [], duplicated: [] });
  });
});

describe('Schemathesis against the live gateway', () => {
  let st: string;
  beforeAll(async () => {
    const { stdout } = await promisify(execFile)('bash', [join(repoRoot(), 'scripts/schemathesis-install.sh')], { timeout: 10 * 60_000 });
    st = stdout.trim().split('\n').at(-1) ?? '';
  }, 10 * 60_000);

  it('runs every check this Schemathesis has: the configuration names each, and switches none off', async () => {
    const { stdout: help } = await promisify(execFile)(st, ['run', '--help']);
    const option = /--checks\s.*?\[possible values:([^\]]+)\]/s.exec(help)?.[1] ?? '';
    const checks = option
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '' && c !== 'all');
    expect(checks).toContain('response_schema_conformance');
    const config = await readFile(join(__dirname, 'schemathesis.toml'), 'utf8');
    const configured = [...config.matchAll(/^\[checks\.([a-z_]+)\]\nenabled = (true|false)$/gm)].map((m) => [m[1], m[2]]);
    expect(configured.sort()).toEqual(checks.map((c) => [c, 'true']).sort());
    const settings = config.replace(/^\s*#.*$/gm, '');
    expect(settings).not.toMatch(/enabled\s*=\s*false|exclude-checks|expected-statuses/);
  });

  it(
    'finds no server error, no answer off its schema, no undocumented status or content type',
    async () => {
      const started = Date.now();
      const run = await runProcess(
        st,
        ['--no-color', '--config-file', join(__dirname, 'schemathesis.toml'), 'run', `${h.baseUrl}/api/openapi.json`, '--url', h.baseUrl],
        { ...process.env, DV_SCHEMATHESIS_TOKEN: dana, DV_SCHEMATHESIS_VOLUME_ID: volumeId },
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      // The whole report goes to a file. Only a line of our own words reaches the test output: Schemathesis closes
      // its report with a pytest-style line ("==== 2 warnings in 55.70s ===="), which a CI reader takes for a
      // pytest run that executed no test.
      const report = join(repoRoot(), 'tmp', 'schemathesis-report.txt');
      await mkdir(dirname(report), { recursive: true });
      await writeFile(report, run.output);
      const operations = /Tested:\s*(\d+)/.exec(run.output)?.[1] ?? '?';
      const cases = /(\d+) generated, (\d+) passed(?:, (\d+) skipped)?/.exec(run.output);
      process.stdout.write(
        `schemathesis: exit ${run.code} in ${seconds} s; operations tested: ${operations}; ` +
          `cases generated ${cases?.[1] ?? '?'}, passing ${cases?.[2] ?? '?'}, skipped ${cases?.[3] ?? '0'}; report in ${report}\n`,
      );
      // The whole report on failure: what failed, with the curl command that reproduces it.
      expect({ code: run.code, output: run.code === 0 ? '' : run.output }).toEqual({ code: 0, output: '' });
      expect(run.output).toMatch(/\d+ passed/);
    },
    15 * 60_000,
  );
});

/** Runs in the test's own directory: Schemathesis keeps a cache of cases (`.schemathesis/`) where it runs. */
function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
