import { z } from 'zod';
import { ConfigError } from './config-error';
import { envPort } from './env-port';
import { exitOnConfigError } from './exit-on-config-error';
import { loadConfig } from './load-config';

describe('exitOnConfigError', () => {
  let exit: jest.SpyInstance;
  let stderr: jest.SpyInstance;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  it('returns what fn returns', () => {
    expect(exitOnConfigError(() => 42)).toBe(42);
    expect(exit).not.toHaveBeenCalled();
  });

  it('prints a ConfigError as one line without a stack and exits with 2', () => {
    exitOnConfigError(() => loadConfig(z.object({ HEALTH_PORT: envPort() }), { HEALTH_PORT: 'abc' }));
    expect(stderr).toHaveBeenCalledWith('Invalid environment: HEALTH_PORT: expected an integer between 0 and 65535, got "abc"\n');
    expect(exit).toHaveBeenCalledWith(2);
  });

  it('handles async functions', async () => {
    await exitOnConfigError(() => Promise.reject(new ConfigError([{ variable: 'A', reason: 'required' }])));
    expect(stderr).toHaveBeenCalledWith('Invalid environment: A: required\n');
    expect(exit).toHaveBeenCalledWith(2);
    await expect(exitOnConfigError(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('lets other errors through', async () => {
    expect(() => exitOnConfigError(() => JSON.parse('{'))).toThrow(SyntaxError);
    await expect(exitOnConfigError(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(exit).not.toHaveBeenCalled();
  });
});
