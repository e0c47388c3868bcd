import { loadConfig } from '@dv/telemetry';
import { baseConfigSchema } from './base-config';
import { provisioningConfigSchema } from './provisioning/provisioning-config';

const cluster = 'nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224';

describe('NATS_URL of the services and the provisioning step', () => {
  it('is every server of a cluster, comma-separated, handed to the client as given', () => {
    expect(loadConfig(baseConfigSchema, { NATS_URL: cluster, MONGO_URL: 'mongodb://127.0.0.1:27017' }).NATS_URL).toBe(cluster);
    expect(loadConfig(provisioningConfigSchema, { NATS_URL: cluster, NATS_STREAM_REPLICAS: '3' })).toMatchObject({
      NATS_URL: cluster,
      NATS_STREAM_REPLICAS: 3,
    });
  });

  it('refuses a list with a URL that is not nats or tls', () => {
    expect(() => loadConfig(baseConfigSchema, { NATS_URL: `${cluster},http://127.0.0.1:8222`, MONGO_URL: 'mongodb://127.0.0.1:27017' })).toThrow(
      'NATS_URL: expected one or more nats or tls URLs, comma-separated',
    );
  });
});
