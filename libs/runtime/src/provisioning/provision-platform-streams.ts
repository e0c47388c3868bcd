import { connectNats, drainNats, provisionStreams } from '@dv/messaging';
import { type ProvisioningConfig } from './provisioning-config';

/**
 * The provisioning step that runs before the services (a Job in Kubernetes, the local run, the test
 * bed): connects as the provisioner and creates or updates every stream, then disconnects. The
 * services themselves only wait for the streams (`runService` → `awaitStreams`).
 */
export async function provisionPlatformStreams(config: ProvisioningConfig): Promise<void> {
  const nc = await connectNats({
    url: config.NATS_URL,
    name: 'provisioner',
    ...(config.NATS_USER !== undefined ? { user: config.NATS_USER, pass: config.NATS_PASSWORD ?? '' } : {}),
  });
  try {
    await provisionStreams(nc, { replicas: config.NATS_STREAM_REPLICAS });
  } finally {
    await drainNats(nc);
  }
}
