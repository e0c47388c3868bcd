// The workload admission service: reviews workloads that ask for data volumes (over NATS and as a
// Kubernetes mutating webhook), makes the bindings, and knows which workloads use which volume.
import { SERVICE_NAME, telemetry } from './start-telemetry';
import { runService } from '@dv/runtime';
import { exitOnConfigError, loadConfig } from '@dv/telemetry';
import { AdmissionModule } from './admission.module';
import { admissionConfigSchema } from './config/admission-config';
import { AdmissionSync } from './state/admission-sync';
import { WebhookServer } from './webhook/webhook-server';

async function main(): Promise<void> {
  const config = exitOnConfigError(() => loadConfig(admissionConfigSchema));
  const service = await runService({
    name: SERVICE_NAME,
    config,
    telemetry,
    mongoDb: config.MONGO_DB,
    appModule: (c) => AdmissionModule.register(c),
    readiness: (app) => ({ following: () => app.get(AdmissionSync).ready }),
    // A review waits for the JetStream ack of its decision; the usage consumer gets that decision in
    // the same socket read. The review answers first, the usage record is written a turn later.
    events: { yieldToRequests: true },
  });
  const port = service.app.get(WebhookServer).port;
  if (port !== undefined) service.ctx.logger.info('webhook ready', { webhookPort: port });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: SERVICE_NAME, msg: 'start-up failed', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
