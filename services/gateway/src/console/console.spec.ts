import { ConfigError, loadConfig } from '@dv/telemetry';
import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { gatewayConfigSchema } from '../config/gateway-config';
import { ConsoleFilesError, loadConsoleFiles } from './console-files';
import { CONSOLE_CSP } from './console-csp';
import { registerConsoleRoutes } from './console-routes';
import { type ProviderEndpoints, type ProviderEndpointsCache } from './provider-endpoints';

const BASE = { NATS_URL: 'nats://127.0.0.1:4222', GATEWAY_OIDC_ISSUER: 'http://127.0.0.1:4444/', GATEWAY_OIDC_AUDIENCE: 'dv-gateway' };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dv-console-spec-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/console/assets/index-abc.js"></script>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), `console.log(${JSON.stringify('x'.repeat(2000))});`);
  writeFileSync(join(dir, 'assets', 'index-abc.js.map'), '{}');
  writeFileSync(join(dir, '.secret.js'), 'no');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(gatewayConfigSchema, { ...BASE, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
}

describe('the console configuration', () => {
  it('serves no console by default, asks for openid offline_access dv.api', () => {
    expect(loadConfig(gatewayConfigSchema, BASE)).toMatchObject({ GATEWAY_CONSOLE_SCOPES: 'openid offline_access dv.api' });
    expect(loadConfig(gatewayConfigSchema, BASE).GATEWAY_CONSOLE_DIR).toBeUndefined();
  });

  it('refuses a folder without index.html, a folder without a client id, a bad client id and bad scopes', () => {
    expect(problems({ GATEWAY_CONSOLE_DIR: join(dir, 'assets'), GATEWAY_CONSOLE_CLIENT_ID: 'c' })).toEqual(['GATEWAY_CONSOLE_DIR']);
    expect(problems({ GATEWAY_CONSOLE_DIR: dir })).toEqual(['GATEWAY_CONSOLE_CLIENT_ID']);
    expect(problems({ GATEWAY_CONSOLE_DIR: dir, GATEWAY_CONSOLE_CLIENT_ID: 'bad id' })).toEqual(['GATEWAY_CONSOLE_CLIENT_ID']);
    expect(problems({ GATEWAY_CONSOLE_SCOPES: 'openid  "x"' })).toEqual(['GATEWAY_CONSOLE_SCOPES']);
    expect(problems({ GATEWAY_CONSOLE_DIR: dir, GATEWAY_CONSOLE_CLIENT_ID: '6f1c-console' })).toEqual([]);
  });
});

describe('the console files', () => {
  it('holds the built files by URL path, without source maps or dotfiles, assets immutable', () => {
    const files = loadConsoleFiles(dir);
    expect([...files.keys()].sort()).toEqual(['assets/index-abc.js', 'index.html']);
    expect(files.get('assets/index-abc.js')).toMatchObject({ immutable: true, contentType: 'text/javascript; charset=utf-8' });
    expect(files.get('index.html')).toMatchObject({ immutable: false, contentType: 'text/html; charset=utf-8' });
  });

  it('refuses a folder without index.html', () => {
    expect(() => loadConsoleFiles(join(dir, 'assets'))).toThrow(ConsoleFilesError);
  });
});

describe('the console routes', () => {
  const endpoints = (answer: () => Promise<ProviderEndpoints>) => ({ get: answer }) as unknown as ProviderEndpointsCache;
  const config = { issuer: BASE.GATEWAY_OIDC_ISSUER, clientId: 'console', audience: 'dv-gateway', scopes: 'openid' };

  async function app(provider: () => Promise<ProviderEndpoints>) {
    const fastify = Fastify();
    registerConsoleRoutes(fastify, { files: loadConsoleFiles(dir), config, endpoints: endpoints(provider) });
    await fastify.ready();
    return fastify;
  }

  it('answers files by path (gzip when accepted), index.html for console routes, 404 for a missing asset', async () => {
    const fastify = await app(async () => ({ authorizationEndpoint: 'http://127.0.0.1:4444/oauth2/auth' }));
    const asset = await fastify.inject({ url: '/console/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers).toMatchObject({
      'content-encoding': 'gzip',
      'cache-control': 'public, max-age=31536000, immutable',
      'content-security-policy': CONSOLE_CSP,
    });
    expect(gunzipSync(asset.rawPayload).toString()).toContain('console.log');
    const plain = await fastify.inject({ url: '/console/assets/index-abc.js' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toContain('console.log');
    for (const url of ['/console/', '/console/roles/12', '/console/callback?code=x&state=y']) {
      const page = await fastify.inject({ url });
      expect({ url, status: page.statusCode, cache: page.headers['cache-control'], body: page.body.slice(0, 15) }).toEqual({
        url,
        status: 200,
        cache: 'no-cache',
        body: '<!doctype html>',
      });
    }
    expect((await fastify.inject({ url: '/console/assets/gone-123.js' })).statusCode).toBe(404);
    expect((await fastify.inject({ url: '/console/assets/index-abc.js.map' })).statusCode).toBe(404);
    expect((await fastify.inject({ url: '/console/.secret.js' })).body).toContain('<!doctype html>');
    expect((await fastify.inject({ url: '/console/../package.json' })).body).not.toContain('"name"');
    const redirect = await fastify.inject({ url: '/console' });
    expect({ status: redirect.statusCode, location: redirect.headers.location }).toEqual({ status: 301, location: '/console/' });
    await fastify.close();
  });

  it("tells the console its client and the provider's endpoints, or 503 when the provider cannot be reached", async () => {
    const up = await app(async () => ({
      authorizationEndpoint: 'http://127.0.0.1:4444/oauth2/auth',
      endSessionEndpoint: 'http://127.0.0.1:4444/oauth2/sessions/logout',
    }));
    const answer = await up.inject({ url: '/console/config.json' });
    expect(answer.json()).toEqual({
      ...config,
      authorizationEndpoint: 'http://127.0.0.1:4444/oauth2/auth',
      endSessionEndpoint: 'http://127.0.0.1:4444/oauth2/sessions/logout',
    });
    await up.close();
    const down = await app(() => Promise.reject(new Error('connection refused')));
    const refused = await down.inject({ url: '/console/config.json' });
    expect({ status: refused.statusCode, code: refused.json<{ code: number }>().code }).toEqual({ status: 503, code: 503 });
    await down.close();
  });
});
