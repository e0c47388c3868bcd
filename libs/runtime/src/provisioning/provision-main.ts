// The provisioning step as a command (the streams Job of the Helm chart deploy/helm/data-volumes):
//   NATS_URL=… NATS_USER=provisioner NATS_PASSWORD=… node -r ./scripts/ts-register.js libs/runtime/src/provisioning/provision-main.ts
import { JsonLogger, exitOnConfigError, loadConfig } from '@dv/telemetry';
import { provisionPlatformStreams } from './provision-platform-streams';
import { provisioningConfigSchema } from './provisioning-config';

const config = exitOnConfigError(() => loadConfig(provisioningConfigSchema));
const logger = new JsonLogger('provisioner', { level: config.LOG_LEVEL });
provisionPlatformStreams(config).then(
  () => logger.info('streams provisioned', { replicas: config.NATS_STREAM_REPLICAS }),
  (error: unknown) => {
    logger.error('provisioning the streams failed', error);
    process.exit(1);
  },
);
