// The sharing service: sharing lists of data volumes, and "is V usable in P" from memory.
import { SERVICE_NAME, telemetry } from './start-telemetry';
import { runService } from '@dv/runtime';
import { exitOnConfigError, loadConfig } from '@dv/telemetry';
import { sharingConfigSchema } from './config/sharing-config';
import { SharingModule } from './sharing.module';
import { SharingSync } from './state/sharing-sync';

async function main(): Promise<void> {
  const config = exitOnConfigError(() => loadConfig(sharingConfigSchema));
  await runService({
    name: SERVICE_NAME,
    config,
    telemetry,
    mongoDb: config.MONGO_DB,
    appModule: (c) => SharingModule.register(c),
    readiness: (app) => ({ following: () => app.get(SharingSync).ready }),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: SERVICE_NAME, msg: 'start-up failed', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
