// The gateway: the platform's REST API. Verifies bearer tokens of the identity provider and calls the
// services over NATS as the caller.
import { SERVICE_NAME, telemetry } from './start-telemetry';
import { exitOnConfigError, loadConfig } from '@dv/telemetry';
import { gatewayConfigSchema } from './config/gateway-config';
import { runGateway } from './run-gateway';

async function main(): Promise<void> {
  const config = exitOnConfigError(() => loadConfig(gatewayConfigSchema));
  await runGateway({ name: SERVICE_NAME, config, telemetry });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: SERVICE_NAME, msg: 'start-up failed', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
