import { z } from 'zod';
import { ConfigError } from './config-error';
import { envBool } from './env-bool';
import { envDurationMs } from './env-duration-ms';
import { envEnum } from './env-enum';
import { envInt } from './env-int';
import { envPort } from './env-port';
import { envUrl } from './env-url';
import { loadConfig } from './load-config';

const schema = z.object({
  NATS_URL: envUrl(['nats', 'tls']),
  MONGO_URL: envUrl(['mongodb:', 'mongodb+srv:']),
  HEALTH_PORT: envPort(8081),
  WORKERS: envInt({ min: 1, max: 64, default: 4 }),
  DRY_RUN: envBool(false),
  LOG_LEVEL: envEnum(['error', 'warn', 'info', 'debug'], 'info'),
  REQUEST_TIMEOUT: envDurationMs(5000),
});

const valid = { NATS_URL: 'nats://nats:4222', MONGO_URL: 'mongodb://mongo:27017/dv' };

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns the typed config with defaults applied', () => {
    const config: { HEALTH_PORT: number; DRY_RUN: boolean; LOG_LEVEL: 'error' | 'warn' | 'info' | 'debug' } = loadConfig(schema, valid);
    expect(loadConfig(schema, valid)).toEqual({
      NATS_URL: 'nats://nats:4222',
      MONGO_URL: 'mongodb://mongo:27017/dv',
      HEALTH_PORT: 8081,
      WORKERS: 4,
      DRY_RUN: false,
      LOG_LEVEL: 'info',
      REQUEST_TIMEOUT: 5000,
    });
    expect(config.HEALTH_PORT).toBe(8081);
  });

  it('coerces strings to numbers, booleans, canonical enum values and milliseconds', () => {
    const config = loadConfig(schema, {
      ...valid,
      HEALTH_PORT: ' 0 ',
      WORKERS: '64',
      DRY_RUN: 'YES',
      LOG_LEVEL: 'DEBUG',
      REQUEST_TIMEOUT: '2m',
    });
    expect(config).toMatchObject({ HEALTH_PORT: 0, WORKERS: 64, DRY_RUN: true, LOG_LEVEL: 'debug', REQUEST_TIMEOUT: 120_000 });
  });

  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['250', 250],
  ])('reads the duration %s as %d ms', (raw, ms) => {
    expect(loadConfig(schema, { ...valid, REQUEST_TIMEOUT: raw }).REQUEST_TIMEOUT).toBe(ms);
  });

  it.each([
    ['on', true],
    ['1', true],
    ['off', false],
    ['0', false],
    ['False', false],
  ])('reads the boolean %s as %s', (raw, value) => {
    expect(loadConfig(schema, { ...valid, DRY_RUN: raw }).DRY_RUN).toBe(value);
  });

  it('names every bad variable with its reason in one message', () => {
    const error = errorOf(() =>
      loadConfig(schema, {
        MONGO_URL: 'http://mongo',
        HEALTH_PORT: 'abc',
        WORKERS: '0',
        DRY_RUN: 'maybe',
        LOG_LEVEL: 'loud',
        REQUEST_TIMEOUT: '5 parsecs',
      }),
    );
    expect(error.message).toBe(
      'Invalid environment: NATS_URL: required; ' +
        'MONGO_URL: expected a mongodb or mongodb+srv URL, got "http://mongo"; ' +
        'HEALTH_PORT: expected an integer between 0 and 65535, got "abc"; ' +
        'WORKERS: expected an integer between 1 and 64, got "0"; ' +
        'DRY_RUN: expected a boolean (true/false, 1/0, yes/no, on/off), got "maybe"; ' +
        'LOG_LEVEL: expected one of error|warn|info|debug, got "loud"; ' +
        'REQUEST_TIMEOUT: expected a duration like 500ms, 5s, 2m or a number of milliseconds, got "5 parsecs"',
    );
    expect(error.problems.map((p) => p.variable)).toEqual(['NATS_URL', 'MONGO_URL', 'HEALTH_PORT', 'WORKERS', 'DRY_RUN', 'LOG_LEVEL', 'REQUEST_TIMEOUT']);
    expect(error.name).toBe('ConfigError');
  });

  it.each(['1.5', '1e3', '0x10', '65536', '-1', ''])('rejects the port %j', (raw) => {
    const env = { ...valid, HEALTH_PORT: raw };
    if (raw === '') expect(loadConfig(schema, env).HEALTH_PORT).toBe(8081);
    else
      expect(errorOf(() => loadConfig(schema, env)).problems).toEqual([
        { variable: 'HEALTH_PORT', reason: `expected an integer between 0 and 65535, got "${raw}"` },
      ]);
  });

  it('treats an empty variable as unset', () => {
    expect(errorOf(() => loadConfig(schema, { ...valid, NATS_URL: '' })).message).toBe('Invalid environment: NATS_URL: required');
  });

  it('does not echo secrets: secret-looking names are hidden, URL passwords masked', () => {
    const secretSchema = z.object({ API_TOKEN: envInt(), MONGO_URL: envUrl(['mongodb']) });
    const error = errorOf(() => loadConfig(secretSchema, { API_TOKEN: 's3cr3t', MONGO_URL: 'http://admin:hunter2@mongo' }));
    expect(error.message).toBe(
      'Invalid environment: API_TOKEN: expected an integer, got (hidden); MONGO_URL: expected a mongodb URL, got "http://admin:***@mongo"',
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('reports plain zod fields and object-level refinements too', () => {
    const custom = z.object({ REGION: z.string().min(3), MIN: envInt(), MAX: envInt() }).refine((c) => c.MIN <= c.MAX, { message: 'MIN must not exceed MAX' });
    expect(errorOf(() => loadConfig(custom, { REGION: 'eu', MIN: '1', MAX: '2' })).problems).toEqual([
      { variable: 'REGION', reason: 'Too small: expected string to have >=3 characters, got "eu"' },
    ]);
    expect(errorOf(() => loadConfig(custom, { REGION: 'eu-1', MIN: '5', MAX: '2' })).message).toBe(
      'Invalid environment: (environment): MIN must not exceed MAX',
    );
  });

  it('allows optional fields without a default', () => {
    const optional = z.object({ OTEL_EXPORTER_OTLP_ENDPOINT: envUrl(['http', 'https']).optional() });
    const config: { OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined } = loadConfig(optional, {});
    expect(config).toEqual({});
  });

  it('reads process.env by default', () => {
    process.env['TELEMETRY_SPEC_PORT'] = '4222';
    try {
      expect(loadConfig(z.object({ TELEMETRY_SPEC_PORT: envPort() }))).toEqual({ TELEMETRY_SPEC_PORT: 4222 });
    } finally {
      delete process.env['TELEMETRY_SPEC_PORT'];
    }
  });
});
