import { ConfigError, loadConfig } from '@dv/telemetry';
import { gatewayConfigSchema } from './gateway-config';

const BASE = { NATS_URL: 'nats://127.0.0.1:4222', GATEWAY_OIDC_ISSUER: 'http://127.0.0.1:4444/', GATEWAY_OIDC_AUDIENCE: 'dv-gateway' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(gatewayConfigSchema, { ...BASE, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
}

describe('the gateway configuration (HTTP)', () => {
  it('defaults: no CORS origin, rate limits on, access log on, no HSTS, request timeout 30 s, no drain delay', () => {
    const config = loadConfig(gatewayConfigSchema, BASE);
    expect(config).toMatchObject({
      GATEWAY_CORS_ORIGINS: [],
      GATEWAY_CORS_CREDENTIALS: false,
      GATEWAY_RATE_LIMIT_PER_S: 100,
      GATEWAY_RATE_LIMIT_BURST: 200,
      GATEWAY_TRUSTED_PROXIES: [],
      GATEWAY_HSTS_MAX_AGE_S: 0,
      GATEWAY_ACCESS_LOG: true,
      GATEWAY_REQUEST_TIMEOUT_MS: 30_000,
      GATEWAY_DRAIN_DELAY_MS: 0,
    });
    expect(problems({ GATEWAY_DRAIN_DELAY_MS: 'soon' })).toEqual(['GATEWAY_DRAIN_DELAY_MS']);
    expect(loadConfig(gatewayConfigSchema, { ...BASE, GATEWAY_DRAIN_DELAY_MS: '5s' }).GATEWAY_DRAIN_DELAY_MS).toBe(5000);
  });

  it('takes exact origins or *, and refuses anything a browser would not send as Origin', () => {
    expect(
      loadConfig(gatewayConfigSchema, { ...BASE, GATEWAY_CORS_ORIGINS: 'https://console.example.com, http://127.0.0.1:3000' }).GATEWAY_CORS_ORIGINS,
    ).toEqual(['https://console.example.com', 'http://127.0.0.1:3000']);
    expect(loadConfig(gatewayConfigSchema, { ...BASE, GATEWAY_CORS_ORIGINS: '*' }).GATEWAY_CORS_ORIGINS).toBe('*');
    for (const bad of [
      'https://console.example.com/',
      'https://console.example.com/app',
      'console.example.com',
      'ftp://x.example',
      'https://a.example:443',
      '*,https://a.example',
    ]) {
      expect(problems({ GATEWAY_CORS_ORIGINS: bad })).toEqual(['GATEWAY_CORS_ORIGINS']);
    }
  });

  it('refuses credentials with the wildcard origin', () => {
    expect(problems({ GATEWAY_CORS_ORIGINS: '*', GATEWAY_CORS_CREDENTIALS: 'true' })).toEqual(['GATEWAY_CORS_CREDENTIALS']);
    expect(problems({ GATEWAY_CORS_ORIGINS: 'https://console.example.com', GATEWAY_CORS_CREDENTIALS: 'true' })).toEqual([]);
  });

  it('takes trusted proxies as IPs or CIDRs, and a request timeout no shorter than a service call', () => {
    expect(loadConfig(gatewayConfigSchema, { ...BASE, GATEWAY_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,::1' }).GATEWAY_TRUSTED_PROXIES).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
    ]);
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1/8/1', '10.0.0'])
      expect(problems({ GATEWAY_TRUSTED_PROXIES: bad })).toEqual(['GATEWAY_TRUSTED_PROXIES']);
    expect(problems({ GATEWAY_REQUEST_TIMEOUT_MS: '5s', GATEWAY_NATS_TIMEOUT_MS: '10s' })).toEqual(['GATEWAY_REQUEST_TIMEOUT_MS']);
    expect(problems({ GATEWAY_RATE_LIMIT_BURST: '0', GATEWAY_RATE_LIMIT_PER_S: '-1' }).sort()).toEqual([
      'GATEWAY_RATE_LIMIT_BURST',
      'GATEWAY_RATE_LIMIT_PER_S',
    ]);
  });
});
