// The audit service: every change and decision, append-only, hash-chained, queryable, verifiable.
import { SERVICE_NAME, telemetry } from './start-telemetry';
import { runService } from '@dv/runtime';
import { exitOnConfigError, loadConfig } from '@dv/telemetry';
import { AuditModule } from './audit.module';
import { auditConfigSchema } from './config/audit-config';
import { AuditPipeline } from './ingest/audit-pipeline';

async function main(): Promise<void> {
  const config = exitOnConfigError(() => loadConfig(auditConfigSchema));
  await runService({
    name: SERVICE_NAME,
    config,
    telemetry,
    mongoDb: config.MONGO_DB,
    appModule: (c) => AuditModule.register(c),
    readiness: (app) => ({
      // The chain's tail matched its anchors at start (else nothing is extended: an integrity alarm).
      chain: () => app.get(AuditPipeline).integrityProblem === undefined,
      following: () => app.get(AuditPipeline).ready,
    }),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: SERVICE_NAME, msg: 'start-up failed', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
