// The volume service: data volumes (records, authorization, and their Kubernetes objects, reconciled).
import { SERVICE_NAME, telemetry } from './start-telemetry';
import { runService } from '@dv/runtime';
import { exitOnConfigError, loadConfig } from '@dv/telemetry';
import { volumeConfigSchema } from './config/volume-config';
import { VolumeSync } from './listing/volume-sync';
import { VolumeModule } from './volume.module';

async function main(): Promise<void> {
  const config = exitOnConfigError(() => loadConfig(volumeConfigSchema));
  await runService({
    name: SERVICE_NAME,
    config,
    telemetry,
    mongoDb: config.MONGO_DB,
    appModule: (c) => VolumeModule.register(c),
    readiness: (app) => ({ following: () => app.get(VolumeSync).ready }),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: SERVICE_NAME, msg: 'start-up failed', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
