// The authz service: roles, access rules in scopes, and fast explainable decisions.
import { SERVICE_NAME, telemetry } from './start-telemetry';
import { runService } from '@dv/runtime';
import { exitOnConfigError, loadConfig } from '@dv/telemetry';
import { AuthzModule } from './authz.module';
import { authzConfigSchema } from './config/authz-config';
import { AuthzSync } from './state/authz-sync';

async function main(): Promise<void> {
  const config = exitOnConfigError(() => loadConfig(authzConfigSchema));
  await runService({
    name: SERVICE_NAME,
    config,
    telemetry,
    mongoDb: config.MONGO_DB,
    appModule: (c) => AuthzModule.register(c),
    readiness: (app) => ({ following: () => app.get(AuthzSync).ready }),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', service: SERVICE_NAME, msg: 'start-up failed', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
