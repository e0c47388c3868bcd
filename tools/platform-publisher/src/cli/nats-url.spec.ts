import { isNatsUrl } from './nats-url';

describe('isNatsUrl', () => {
  it.each(['nats://127.0.0.1:4222', 'tls://nats.example:4443', 'nats://a:1, nats://b:2', 'localhost:4222', 'nats', 'ws://h:8080', 'nats://user:pw@h:4222'])(
    'accepts %s',
    (url) => {
      expect(isNatsUrl(url)).toBe(true);
    },
  );

  it.each(['http://h:4222', 'nats://', 'nats://h:4222/path', 'h:port', 'nats://a:1,', ''])('refuses %j', (url) => {
    expect(isNatsUrl(url)).toBe(false);
  });
});
