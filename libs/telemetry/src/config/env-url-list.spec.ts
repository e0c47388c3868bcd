import { z } from 'zod';
import { ConfigError } from './config-error';
import { envUrlList } from './env-url-list';
import { loadConfig } from './load-config';

const schema = z.object({ NATS_URL: envUrlList(['nats', 'tls']) });

function problemsOf(value: string): ConfigError['problems'] {
  try {
    loadConfig(schema, { NATS_URL: value });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('envUrlList', () => {
  it('takes one URL, or several comma-separated (every server of a NATS cluster), as given', () => {
    expect(loadConfig(schema, { NATS_URL: 'nats://nats:4222' }).NATS_URL).toBe('nats://nats:4222');
    expect(loadConfig(schema, { NATS_URL: 'nats://a:4222,tls://b:4222, nats://c:4222' }).NATS_URL).toBe('nats://a:4222,tls://b:4222, nats://c:4222');
  });

  it('refuses a list with an empty entry, a scheme not allowed, or something that is no URL', () => {
    for (const bad of ['nats://a:4222,', ',nats://a:4222', 'nats://a:4222,,nats://b:4222', 'nats://a:4222,http://b', 'nats://a:4222,b:4222 c', '  ,  ']) {
      expect(problemsOf(bad)).toEqual([{ variable: 'NATS_URL', reason: expect.stringContaining('expected one or more nats or tls URLs, comma-separated') }]);
    }
  });
});
