import { jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { bedEnv, uniqueName } from './bed-env';

describe('NATS server of the test bed', () => {
  let nc: NatsConnection;

  beforeAll(async () => {
    // The bed's open nats-server (jest global setup says why): it checks that server itself, with streams of its own.
    nc = await connect({ servers: bedEnv('NATS_URL') });
  });

  afterAll(async () => {
    await nc.close();
  });

  it('has JetStream: a stream can be created, written and read', async () => {
    const jsm = await jetstreamManager(nc);
    const name = uniqueName('TESTING').replace(/-/g, '_');
    await jsm.streams.add({ name, subjects: [`${name}.>`] });

    const ack = await jsm.jetstream().publish(`${name}.hello`, 'world');
    const stored = await jsm.streams.getMessage(name, { seq: ack.seq });

    expect(ack.stream).toBe(name);
    expect(stored?.string()).toBe('world');
    await jsm.streams.delete(name);
  });
});
